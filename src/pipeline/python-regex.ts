/**
 * pySigma pipeline files carry Python regular expressions (`replace_string`, `match_string`,
 * `include_fields` with `mode: re`). JavaScript's syntax is close; these helpers translate the
 * differences that such files use: named groups `(?P<n>...)` / `(?P=n)`, a leading inline flag group
 * such as `(?i)`, and the replacement syntax of `re.sub` (`\1`, `\g<name>`).
 * Python docs: https://docs.python.org/3/library/re.html (re.sub, "Regular Expression Syntax").
 */
export function compilePythonRegex(source: string, flags: string, anchorStart = false): RegExp | string {
  let body = source.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  let allFlags = flags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1] ?? '') {
      if (f === 'i' || f === 'm' || f === 's') {
        if (!allFlags.includes(f)) allFlags += f;
      } else if (f !== 'u' && f !== 'a') {
        return `the inline flag \`${f}\` has no JavaScript equivalent`;
      }
    }
    body = body.slice(inline[0].length);
  }
  try {
    return new RegExp(anchorStart ? `^(?:${body})` : body, allFlags);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Python `re.sub` replacement text -> JavaScript `String.prototype.replace` replacement text. */
export function convertPythonReplacement(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '$') {
      out += '$$';
    } else if (c === '\\') {
      const rest = text.slice(i + 1);
      const num = /^\d{1,2}/.exec(rest);
      const named = /^g<([A-Za-z_][A-Za-z0-9_]*|\d+)>/.exec(rest);
      if (num) {
        out += `$${num[0]}`;
        i += num[0].length;
      } else if (named) {
        const g = named[1] as string;
        out += /^\d+$/.test(g) ? `$${g}` : `$<${g}>`;
        i += named[0].length;
      } else if (rest[0] === '\\') {
        out += '\\';
        i++;
      } else if (rest[0] === 'n') {
        out += '\n';
        i++;
      } else if (rest[0] === 't') {
        out += '\t';
        i++;
      } else {
        out += c;
      }
    } else {
      out += c;
    }
  }
  return out;
}
