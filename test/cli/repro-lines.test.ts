/**
 * Goal: what `fuzz` and `gate` say about each repro is honest: a path is printed only for a
 * file that was written; "may not reproduce" only when a re-run really differed, with both
 * hashes; a search stopped by its wall-time guard says so with its candidate count; every
 * invariant the run broke is named. Method: reproLines on repros built by hand.
 */
import { describe, expect, it } from 'vitest';
import { reproLines } from '../../src/cli/fuzz-run.ts';
import type { FuzzRepro } from '../../src/scenario/repro.ts';
import { recordingIo } from './io.ts';

function repro(overrides: Partial<FuzzRepro> = {}): FuzzRepro {
  return {
    name: 'mutant-x-durability-seed3',
    seed: '3',
    invariant: 'durability',
    broken: ['durability'],
    message: 'a write was lost across a kill',
    stepsBefore: 40,
    stepsAfter: 5,
    rulesBefore: 7,
    rulesAfter: 0,
    shrinkRuns: 37,
    shrinkEvents: 12_000,
    shrinkMs: 0,
    stoppedEarly: false,
    shrunk: true,
    reproduced: true,
    ...overrides,
  } as FuzzRepro;
}

const flags = { client: 'mutant:x' };
const path = 'reports/fuzz-1/repro/mutant-x-durability-seed3.json';

describe('reproLines', () => {
  it('prints the path and a command that runs it, with the flags that change the run', () => {
    const text = reproLines([repro()], { [repro().name]: path }, recordingIo(), { ...flags, strictTime: true });
    expect(text).toContain(`✗ durability (seed 3): a write was lost across a kill`);
    expect(text).toContain(`repro: ${path}`);
    expect(text).toContain(`reproduce with: syncstorm run ${path} --strict-time`);
    expect(text).not.toContain('may not reproduce');
    expect(text).not.toContain('stopped');
  });

  it('never prints a path for a file that was not written', () => {
    const text = reproLines([repro()], {}, recordingIo(), flags);
    expect(text).toContain('no repro file was written');
    expect(text).not.toContain('repro: ');
    expect(text).not.toContain('reproduce with');
  });

  it('says "may not reproduce" only with both hashes of a re-run that differed', () => {
    const differed = { originalHash: 'a'.repeat(64), rerunHash: 'b'.repeat(64) };
    const text = reproLines([repro({ differed, reproduced: false })], { [repro().name]: path }, recordingIo(), flags);
    expect(text).toContain('may not reproduce');
    expect(text).toContain(differed.originalHash);
    expect(text).toContain(differed.rerunHash);
    const plain = reproLines([repro({ reproduced: false, shrunk: false })], {}, recordingIo(), flags);
    expect(plain).not.toContain('may not reproduce');
  });

  it('says when shrinking stopped at its time limit, with the candidates run, and names every broken invariant', () => {
    const stopped = repro({ stoppedBy: 'time', stoppedEarly: true, shrunk: false, shrinkRuns: 1, stepsAfter: 40 });
    const text = reproLines([{ ...stopped, broken: ['liveness', 'durability'] }], {}, recordingIo(), flags);
    expect(text).toContain('shrinking stopped at its time limit after 1 candidate; the repro is the unshrunk plan');
    expect(text).toContain('the run also broke: liveness');
    const counted = reproLines([repro({ stoppedBy: 'runs', stoppedEarly: true })], {}, recordingIo(), flags);
    expect(counted).toContain('shrinking stopped at its bound of 37 candidates');
  });
});
