/**
 * A Windows process-creation rule's YAML text with the given title, id and detection section body (its
 * search identifiers, indented four spaces; the condition is always `sel`), then `extra` YAML lines.
 */
export const ruleText = (title: string, id: string, detection: string, extra = ''): string => `title: ${title}
id: ${id}
logsource: {product: windows, category: process_creation}
detection:
${detection}
    condition: sel
level: high
${extra}`;
