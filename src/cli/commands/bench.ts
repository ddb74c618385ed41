/**
 * @module cli/commands/bench
 * `syncstorm bench coalescing`: every benchmark workload with the reference client's six
 * strategies (coalescing none | per-record | per-field, each with and without batching), or
 * with `--client` another client as it is. Prints the table (stdout; stderr with --json,
 * where stdout carries bench.json), writes bench.json and index.html under
 * `<report>/bench/`, and exits 0 when every run held every invariant, 1 when a strategy
 * was flagged.
 */
import { join } from 'node:path';
import {
  type BenchStrategy,
  benchWorkloads,
  clientStrategy,
  referenceStrategies,
  renderBenchJson,
  renderBenchTable,
  runCoalescingBench,
  WORKLOAD_NAMES,
  writeBenchFiles,
} from '../../bench/index.ts';
import { UsageError } from '../../kernel/errors.ts';
import type { ClientCache } from '../clients.ts';
import type { CliIo } from '../io.ts';
import { outputFailure } from '../output-paths.ts';
import { REPORTS_ROOT_DEFAULT } from '../reports.ts';

/** Folder under the report root that holds the benchmark's files. */
export const BENCH_FOLDER = 'bench';
const SEED_LENGTH_MAX = 200;

export interface BenchFlags {
  client: string;
  seed: string;
  json?: boolean;
  report?: string;
  /** Comma-separated workload names; default all. */
  workload?: string;
}

function selectedWorkloads(list: string | undefined) {
  const all = benchWorkloads();
  if (list === undefined) return all;
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !WORKLOAD_NAMES.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `bench coalescing: --workload '${list}' names no known workload${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}. Known: ${WORKLOAD_NAMES.join(', ')}.`,
    );
  }
  return all.filter((workload) => names.includes(workload.name));
}

async function strategiesFor(spec: string, clients: ClientCache): Promise<BenchStrategy[]> {
  if (spec.trim() === 'reference') return referenceStrategies();
  return [clientStrategy(await clients.get(spec, '--client'))];
}

export async function benchCoalescingCommand(flags: BenchFlags, io: CliIo, clients: ClientCache): Promise<number> {
  const seed = flags.seed.trim();
  if (seed === '' || seed.length > SEED_LENGTH_MAX) {
    throw new UsageError(`bench coalescing: --seed must be 1 to ${SEED_LENGTH_MAX} characters.`);
  }
  const workloads = selectedWorkloads(flags.workload);
  const strategies = await strategiesFor(flags.client, clients);
  const result = await runCoalescingBench({ seed, strategies, workloads, client: flags.client.trim() });
  const root = flags.report ?? REPORTS_ROOT_DEFAULT;
  let files: ReturnType<typeof writeBenchFiles>;
  try {
    files = writeBenchFiles(join(root, BENCH_FOLDER), result);
  } catch (error) {
    throw outputFailure('--report', root, error);
  }
  (flags.json ? io.err : io.out)(renderBenchTable(result));
  io.err(`bench: ${files.json}\nreport: ${files.html}\n`);
  if (flags.json) io.out(renderBenchJson(result));
  return result.allHeld ? 0 : 1;
}
