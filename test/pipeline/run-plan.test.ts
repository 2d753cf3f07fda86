/**
 * A list of pipelines' order and merged variables are worked out once per list (src/pipeline/apply.ts,
 * runPlan): lists used in turn must each give what a fresh run of that list gives.
 */
import { describe, expect, it } from 'vitest';
import { applyPipelines } from '../../src/pipeline/apply.js';
import type { ProcessingPipeline } from '../../src/pipeline/types.js';
import { okValue, parts, pipeline, rule, m } from './helpers.js';

const late = pipeline(`priority: 20\nvars:\n  Who: [late]\ntransformations:\n  - id: late_state\n    type: set_state\n    key: k\n    val: late\n`, 'late.yml');
const early = pipeline(`priority: 10\nvars:\n  Who: [early]\ntransformations:\n  - id: early_state\n    type: set_state\n    key: k\n    val: early\n`, 'early.yml');
const resolve = pipeline(`priority: 30\ntransformations:\n  - id: resolve\n    type: value_placeholders\n`, 'resolve.yml');

const r = rule(m('User', parts({ kind: 'placeholder', name: 'Who' })));

function run(list: readonly ProcessingPipeline[]): { order: string[]; state: unknown; detail: string | undefined } {
  const out = okValue(applyPipelines(r, list));
  return { order: out.applied.map((a) => a.transformation), state: out.state['k'], detail: out.applied.find((a) => a.transformation === 'resolve')?.detail };
}

describe('each list of pipelines runs as given', () => {
  it('in priority order, with the variables of that list, whatever list ran before', () => {
    const both = [late, early, resolve];
    const onlyLate = [late, resolve];
    const onlyEarly = [early, resolve];
    for (let i = 0; i < 2; i++) {
      expect(run(both)).toEqual({ order: ['early_state', 'late_state', 'resolve'], state: 'late', detail: '%Who% -> late' });
      expect(run(onlyEarly)).toEqual({ order: ['early_state', 'resolve'], state: 'early', detail: '%Who% -> early' });
      expect(run(onlyLate)).toEqual({ order: ['late_state', 'resolve'], state: 'late', detail: '%Who% -> late' });
    }
  });

  it('a list changed in place between two runs runs as it is now', () => {
    const list: ProcessingPipeline[] = [late, resolve];
    expect(run(list).state).toBe('late');
    list[0] = early;
    expect(run(list)).toEqual({ order: ['early_state', 'resolve'], state: 'early', detail: '%Who% -> early' });
  });
});
