/**
 * Goal: the coalescing benchmark is deterministic and coalescing never changes what the
 * devices converge to. Method: run every workload with the reference client's six
 * strategies twice from the same seed and compare every count (requests, pushes, bytes,
 * ops, 409s, virtual times, trace hashes); compare each strategy's final live server
 * records (keyed by the creating step's ref, fields compared) with those of 'none'. The
 * comparison has teeth: a mutant whose coalescer drops a delete must come out flagged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BenchResult,
  benchWorkloads,
  clientStrategy,
  referenceStrategies,
  runCoalescingBench,
} from '../../src/bench/index.ts';
import { findMutant } from '../../src/client/mutants/index.ts';

let first: BenchResult;
let second: BenchResult;

beforeAll(async () => {
  first = await runCoalescingBench({
    seed: '7',
    strategies: referenceStrategies(),
    workloads: benchWorkloads(),
    client: 'reference',
  });
  second = await runCoalescingBench({
    seed: '7',
    strategies: referenceStrategies(),
    workloads: benchWorkloads(),
    client: 'reference',
  });
});

/** Everything but wall time. */
function counts(result: BenchResult) {
  return result.workloads.flatMap((workload) =>
    workload.rows.map(({ metrics: { wallMs: _wallMs, ...metrics }, ...row }) => ({
      workload: workload.name,
      strategy: row.strategy,
      traceHash: row.traceHash,
      ...metrics,
    })),
  );
}

describe('coalescing benchmark', () => {
  it('gives the same request and byte counts on two runs with the same inputs', () => {
    const a = counts(first);
    expect(a).toHaveLength(6 * 6);
    expect(a.every((cell) => cell.requests > 0 && cell.requestBytes > 0 && cell.responseBytes > 0)).toBe(true);
    expect(counts(second)).toEqual(a);
    expect(second.totals).toEqual(first.totals);
  });

  it('never changes the converged state: every strategy ends with the records of none', () => {
    expect(first.allHeld).toBe(true);
    for (const workload of first.workloads) {
      const none = workload.rows.find((row) => row.strategy === 'none');
      expect(none?.converged.length, workload.name).toBeGreaterThan(0);
      expect(none?.converged.every((record) => !record.ref.startsWith('unknown:'))).toBe(true);
      for (const row of workload.rows) {
        expect(row.converged, `${workload.name}/${row.strategy}`).toEqual(none?.converged);
        expect(row.violations, `${workload.name}/${row.strategy}`).toEqual([]);
        if (row !== none) expect(row.stateMatchesBaseline).toBe(true);
      }
    }
  });

  it('measures what coalescing is for: fewer pushes for a draft edited offline, none+batch no better than none', () => {
    const draft = first.workloads.find((workload) => workload.name === 'draft-offline');
    const pushes = (name: string) => draft?.rows.find((row) => row.strategy === name)?.metrics.pushRequests;
    // 1 create sent online, then 24 keystroke edits while offline: one push each without
    // coalescing; with it, the 24 fold into one row sent on reconnect.
    expect(pushes('none')).toBe(25);
    expect(pushes('per-record')).toBe(2);
    expect(pushes('per-field')).toBe(2);
    // A batch holds at most one op per record, so batching alone cannot help one record.
    expect(pushes('none+batch')).toBe(25);
  });

  it('flags a strategy that breaks an invariant or changes the converged state, and does not rank it', async () => {
    const mutant = findMutant('delete-coalesced-away');
    expect(mutant).toBeDefined();
    const workloads = benchWorkloads().filter((workload) => workload.name === 'edits-then-delete');
    const none = referenceStrategies().filter((strategy) => strategy.name === 'none');
    const result = await runCoalescingBench({
      seed: '7',
      strategies: [...none, clientStrategy(mutant!.client)],
      workloads,
      client: 'mixed',
    });
    const row = result.workloads[0]?.rows.find((candidate) => candidate.strategy !== 'none');
    expect(row?.flagged).toBe(true);
    expect(row?.violations).toContain('no-silent-loss');
    // The deleted note is still live on the server: not the state 'none' converged to.
    expect(row?.stateMatchesBaseline).toBe(false);
    expect(row?.rank).toBeUndefined();
    expect(result.allHeld).toBe(false);
    expect(result.totals.find((total) => total.strategy === row?.strategy)?.flaggedIn).toEqual(['edits-then-delete']);
  });
});
