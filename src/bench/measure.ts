/**
 * @module bench/measure
 * One benchmark cell: a workload run with a strategy from a seed, through the whole
 * simulator (chaos, heal, every checker), and the numbers read back from its result and
 * trace. The converged state is kept keyed by the creating step's `ref`, not by record id:
 * ids come from the device's uuid stream, which also mints op ids, so a strategy that
 * sends fewer ops mints different ids for later records.
 */
import type { TraceEvent } from '../kernel/trace.ts';
import { ROUTES } from '../server/protocol.ts';
import { type RunResult, runSimulation } from '../sim/index.ts';
import type { BenchStrategy } from './strategies.ts';
import type { BenchWorkload } from './workloads.ts';

export interface BenchMetrics {
  /** User writes the devices made (creates, updates, deletes). */
  edits: number;
  /** HTTP requests that went on the wire (pushes, pulls, token refreshes, duplicates included). */
  requests: number;
  /** Of those, pushes: `POST /sync/ops` and `POST /sync/batch`. */
  pushRequests: number;
  requestBytes: number;
  responseBytes: number;
  /** Ops the server applied (replays of a known idempotency key excluded). */
  opsApplied: number;
  /** 409 answers the clients received. */
  conflicts: number;
  /** Virtual ms of the last op the server applied (from the start of the run). */
  lastApplyMs: number;
  /**
   * Virtual ms from just after the workload's last step until every device showed the
   * server's state with nothing pending (looked at every CONVERGE_SLICE_MS).
   */
  convergeMs: number;
  /** Real ms the run took: the only number that is not deterministic. */
  wallMs: number;
}

/** A live server record, named by the ref of the step that created it. */
export interface ConvergedRecord {
  ref: string;
  collection: string;
  fields: Record<string, unknown>;
}

export interface BenchCell {
  workload: string;
  strategy: string;
  seed: string;
  metrics: BenchMetrics;
  /** Invariants the checkers found broken (and client errors as 'client-error'); empty when all held. */
  violations: string[];
  /**
   * True when the run broke an invariant, or ended in another converged state than the
   * baseline strategy on the same workload: such a strategy is flagged, never ranked.
   */
  flagged: boolean;
  /** Same live records as the baseline's run (undefined without a baseline, or for the baseline). */
  stateMatchesBaseline?: boolean;
  traceHash: string;
  /** The server's live records after heal, by ref, sorted; tombstones and never-sent records left out. */
  converged: ConvergedRecord[];
}

/** How often the heal phase looks whether every device converged: the resolution of `convergeMs`. */
export const CONVERGE_SLICE_MS = 100;

const PUSH_PATHS = [ROUTES.op, ROUTES.batch];

function isPush(event: TraceEvent): boolean {
  const path = typeof event.path === 'string' ? event.path.split('?')[0] : '';
  return event.type === 'net.send' && event.method === 'POST' && PUSH_PATHS.some((push) => push === path);
}

/** Pushes that left the device (a send the network refused because the device was offline never did). */
function countPushes(events: readonly TraceEvent[]): number {
  const refused = new Set(
    events.filter((event) => event.type === 'net.fault' && event.fault === 'offline').map((event) => event.requestId),
  );
  return events.filter((event) => isPush(event) && !refused.has(event.requestId)).length;
}

function sortedFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key]]),
  );
}

/** The server's live records after heal, keyed by the ref of the step that created each. */
export function convergedByRef(workload: BenchWorkload, events: readonly TraceEvent[]): ConvergedRecord[] {
  const refOfId = new Map<string, string>();
  for (const event of events) {
    if (event.type !== 'user.create') continue;
    const step = workload.plan.steps[event.step as number];
    if (step?.do === 'create') refOfId.set(`${event.collection}/${event.id}`, step.ref);
  }
  const final = events.find((event) => event.type === 'sim.final');
  const server = (final?.server ?? []) as {
    collection: string;
    id: string;
    deleted: boolean;
    fields: Record<string, unknown>;
  }[];
  return server
    .filter((record) => !record.deleted)
    .map((record) => ({
      ref: refOfId.get(`${record.collection}/${record.id}`) ?? `unknown:${record.id}`,
      collection: record.collection,
      fields: sortedFields(record.fields),
    }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

function metricsOf(result: RunResult, events: readonly TraceEvent[]): BenchMetrics {
  const applies = events.filter((event) => event.type === 'server.apply');
  return {
    edits: events.filter(
      (event) => event.type === 'user.create' || event.type === 'user.update' || event.type === 'user.delete',
    ).length,
    requests: result.stats.exchanges,
    pushRequests: countPushes(events),
    requestBytes: result.stats.requestBytes,
    responseBytes: result.stats.responseBytes,
    opsApplied: result.stats.opsApplied,
    conflicts: result.stats.conflicts,
    lastApplyMs: applies.length === 0 ? 0 : (applies[applies.length - 1] as TraceEvent).t,
    convergeMs: result.stats.convergeMs,
    wallMs: result.stats.wallMs,
  };
}

/** Runs one workload with one strategy and reads the numbers back. */
export async function measure(workload: BenchWorkload, strategy: BenchStrategy, seed: string): Promise<BenchCell> {
  const result = await runSimulation({
    seed,
    plan: workload.plan,
    client: strategy.client,
    name: `${workload.name}/${strategy.name}`,
    keepTrace: true,
    heal: { sliceMs: CONVERGE_SLICE_MS },
  });
  const events = result.trace ?? [];
  const violations = [...new Set(result.violations.map((violation) => violation.invariant))].sort();
  return {
    workload: workload.name,
    strategy: strategy.name,
    seed,
    metrics: metricsOf(result, events),
    violations,
    flagged: violations.length > 0 || result.errors.length > 0,
    traceHash: result.traceHash,
    converged: convergedByRef(workload, events),
  };
}
