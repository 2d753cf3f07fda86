import { astConverter, type RuleConverter } from './convert.js';

/** Every `--target` the CLI and library accept. `ast` prints the parsed rule (for debugging). */
export const CONVERTERS: readonly RuleConverter[] = [astConverter];

export function findConverter(id: string): RuleConverter | undefined {
  return CONVERTERS.find((c) => c.id === id);
}
