/**
 * The analyst's page: a YAML editor on the left, one panel per target on the right, the catalog view
 * below. Everything runs here, in the browser; the page makes no request (its Content-Security-Policy
 * forbids any connection) and keeps the rule only in the URL fragment.
 */
import psexecRule from '../../rules/win_security_susp_psexec.yml?raw';
import type { Diagnostic } from '../index.js';
import {
  convertPanel,
  decodeFragment,
  defaultSettings,
  encodeFragment,
  EDITOR_FILE,
  explainText,
  parseDiagnostics,
  parseEditorText,
  targetChoices,
  type PanelSettings,
  type TargetChoice,
} from './session.js';

const DEBOUNCE_MS = 250;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
}

const editor = byId<HTMLTextAreaElement>('editor');
const gutter = byId<HTMLElement>('gutter');
const ruleDiagnostics = byId<HTMLElement>('rule-diagnostics');
const panels = byId<HTMLElement>('panels');
const explainOut = byId<HTMLElement>('explain-output');
const status = byId<HTMLElement>('status');

interface Panel {
  readonly choice: TargetChoice;
  settings: PanelSettings;
  readonly output: HTMLElement;
  readonly diagnostics: HTMLElement;
  readonly summary: HTMLElement;
}

const state: { panels: Panel[]; timer: number | undefined } = { panels: [], timer: undefined };

function say(text: string): void {
  status.textContent = text;
}

// ---------------------------------------------------------------------------------------------------
// Panels

function buildPanel(choice: TargetChoice): Panel {
  const article = element('article', { class: 'panel', id: `panel-${choice.id}`, 'aria-labelledby': `title-${choice.id}` });
  const head = element('div', { class: 'panel-head' });
  head.append(element('h2', { id: `title-${choice.id}` }, choice.id));
  const summary = element('span', { class: 'summary', 'data-role': 'summary' });
  head.append(summary);
  const copy = element('button', { type: 'button', class: 'copy', 'data-role': 'copy', 'aria-label': `Copy the ${choice.id} output` }, 'Copy');
  head.append(copy);
  article.append(head, element('p', { class: 'target-title' }, choice.title));

  const controls = element('div', { class: 'controls' });
  const formatLabel = element('label', {}, 'Format ');
  const format = element('select', { 'data-role': 'format' });
  for (const f of choice.formats) format.append(element('option', { value: f }, f === choice.defaultFormat ? `${f} (default)` : f));
  format.value = choice.defaultFormat;
  formatLabel.append(format);
  controls.append(formatLabel);

  const pipelineBox = element('fieldset', { class: 'choices' });
  pipelineBox.append(element('legend', {}, 'Pipelines'));
  for (const p of choice.pipelines) {
    const label = element('label', { title: p.description });
    const box = element('input', { type: 'checkbox', value: p.name, 'data-role': 'pipeline' });
    box.checked = p.isDefault;
    label.append(box, ` ${p.name}`);
    pipelineBox.append(label);
  }
  if (choice.pipelines.length === 0) pipelineBox.append(element('span', { class: 'muted' }, 'none built in'));
  controls.append(pipelineBox);

  if (choice.options.length > 0) {
    const optionBox = element('fieldset', { class: 'choices' });
    optionBox.append(element('legend', {}, 'Target options'));
    for (const o of choice.options) {
      const label = element('label', { title: o.description });
      if (typeof o.default === 'boolean') {
        const box = element('input', { type: 'checkbox', value: o.name, 'data-role': 'option' });
        box.checked = o.default;
        label.append(box, ` ${o.name}`);
      } else {
        // A named value (-O name=value), e.g. sql's timestamp column; empty means the default.
        const text = element('input', { type: 'text', name: o.name, 'data-role': 'option-text', placeholder: o.default, size: '12' });
        label.append(`${o.name} `, text);
      }
      optionBox.append(label);
    }
    controls.append(optionBox);
  }
  article.append(controls);

  const output = element('pre', { class: 'output', 'data-role': 'output', tabindex: '0', 'aria-label': `${choice.id} output` });
  const diagnostics = element('ul', { class: 'diagnostics', 'data-role': 'diagnostics', 'aria-live': 'polite' });
  article.append(output, diagnostics);
  panels.append(article);

  const panel: Panel = { choice, settings: defaultSettings(choice), output, diagnostics, summary };
  const reread = (): void => {
    panel.settings = {
      target: choice.id,
      format: format.value,
      pipelines: [...article.querySelectorAll<HTMLInputElement>('input[data-role=pipeline]')].filter((b) => b.checked).map((b) => b.value),
      targetOptions: Object.fromEntries([
        ...[...article.querySelectorAll<HTMLInputElement>('input[data-role=option]')].map((b) => [b.value, b.checked] as const),
        ...[...article.querySelectorAll<HTMLInputElement>('input[data-role=option-text]')].filter((t) => t.value.trim() !== '').map((t) => [t.name, t.value.trim()] as const),
      ]),
    };
    convertAll();
  };
  controls.addEventListener('change', reread);
  copy.addEventListener('click', () => void copyText(output.textContent ?? '', choice.id));
  return panel;
}

async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    say(`Copied the ${what} output.`);
  } catch {
    say(`The browser did not allow copying; select the ${what} output and copy it by hand.`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Diagnostics

function diagnosticItem(d: Diagnostic, prefix = ''): HTMLLIElement {
  const li = element('li', { class: `diagnostic ${d.severity}` });
  const where = element('button', { type: 'button', class: 'jump', 'data-line': String(d.span.line), title: 'Show this line in the editor' }, `${EDITOR_FILE}:${d.span.line}:${d.span.column}`);
  where.addEventListener('click', () => goToLine(d.span.line, d.span.column));
  li.append(where, ` ${prefix}${d.severity}[${d.code}] ${d.message}`);
  return li;
}

/** A target's refusals: the first two in view, the rest behind a disclosure (they often repeat). */
function showPanelDiagnostics(panel: Panel, diagnostics: readonly Diagnostic[]): void {
  const items = diagnostics.map((d) => diagnosticItem(d, `${panel.choice.id}: `));
  if (items.length <= 2) {
    panel.diagnostics.replaceChildren(...items);
    return;
  }
  const more = element('details');
  more.append(element('summary', {}, `${items.length - 2} more`));
  const list = element('ul', { class: 'diagnostics' });
  list.append(...items.slice(2));
  more.append(list);
  const li = element('li');
  li.append(more);
  panel.diagnostics.replaceChildren(...items.slice(0, 2), li);
}

function goToLine(line: number, column: number): void {
  const lines = editor.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += (lines[i]?.length ?? 0) + 1;
  offset += Math.max(0, column - 1);
  editor.focus();
  editor.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
  editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/** Line numbers beside the editor; lines with an error or a warning are marked. */
function renderGutter(marks: ReadonlyMap<number, 'error' | 'warning' | 'info'>): void {
  const count = editor.value.split('\n').length;
  gutter.replaceChildren();
  for (let n = 1; n <= count; n++) {
    const mark = marks.get(n);
    const span = element('span', mark === undefined ? {} : { class: `mark ${mark}`, title: `${mark} on line ${n}` }, String(n));
    gutter.append(span, '\n');
  }
  gutter.scrollTop = editor.scrollTop;
}

// ---------------------------------------------------------------------------------------------------
// Conversion

function convertAll(): void {
  const text = editor.value;
  const parsed = parseEditorText(text);
  const shared = parseDiagnostics(parsed);
  const marks = new Map<number, 'error' | 'warning' | 'info'>();
  const mark = (d: Diagnostic): void => {
    if (d.span.file !== EDITOR_FILE) return;
    const old = marks.get(d.span.line);
    if (old !== 'error') marks.set(d.span.line, d.severity === 'error' ? 'error' : (old ?? d.severity));
  };
  shared.forEach(mark);
  ruleDiagnostics.replaceChildren(...shared.map((d) => diagnosticItem(d)));
  for (const panel of state.panels) {
    const result = convertPanel(parsed, panel.settings);
    panel.output.textContent = result.output;
    panel.output.classList.toggle('empty', result.output === '');
    showPanelDiagnostics(panel, result.diagnostics);
    panel.summary.textContent = result.failed === 0 ? `${result.converted} converted` : `${result.converted} converted, ${result.failed} failed`;
    panel.summary.classList.toggle('failed', result.failed > 0);
  }
  renderGutter(marks);
  explainOut.textContent = explainText(parsed);
  history.replaceState(null, '', `#${encodeFragment(text)}`);
}

function scheduleConvert(): void {
  if (state.timer !== undefined) window.clearTimeout(state.timer);
  state.timer = window.setTimeout(() => {
    state.timer = undefined;
    convertAll();
  }, DEBOUNCE_MS);
}

// ---------------------------------------------------------------------------------------------------
// Start

editor.value = decodeFragment(location.hash) ?? psexecRule;
state.panels = targetChoices().map(buildPanel);
editor.addEventListener('input', scheduleConvert);
editor.addEventListener('scroll', () => {
  gutter.scrollTop = editor.scrollTop;
});
byId<HTMLButtonElement>('share').addEventListener('click', () => {
  history.replaceState(null, '', `#${encodeFragment(editor.value)}`);
  void copyText(location.href, 'link (the rule is in it)').then(() => say('Copied a link that carries the rule.'));
});
byId<HTMLButtonElement>('reset').addEventListener('click', () => {
  editor.value = psexecRule;
  convertAll();
});
window.addEventListener('hashchange', () => {
  const text = decodeFragment(location.hash);
  if (text !== null && text !== editor.value) {
    editor.value = text;
    convertAll();
  }
});
convertAll();
document.body.dataset['ready'] = 'true';
