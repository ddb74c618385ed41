/**
 * @module realnet/chaos/result
 * A real-network run's verdict in the simulator's RunResult shape (so the same reports and
 * exit codes apply): the checkers' violations on the recorded history, plus the run's own
 * errors (a client that threw, a bound reached) as `client-error`.
 */

import { buildHistory } from '../../check/history.ts';
import { checkAll } from '../../check/index.ts';
import type { Trace, TraceEvent } from '../../kernel/trace.ts';
import type { RunResult, RunViolation } from '../../sim/result.ts';

export interface ChaosSummaryInput {
  name: string;
  seed: string;
  client: string;
  profile: string;
  devices: number;
  trace: Trace;
  errors: readonly string[];
  exchanges: number;
  runMs: number;
  convergeMs: number;
  wallMs: number;
  keepTrace: boolean;
}

function count(events: readonly TraceEvent[], predicate: (event: TraceEvent) => boolean): number {
  return events.reduce((total, event) => total + (predicate(event) ? 1 : 0), 0);
}

export function summariseChaos(input: ChaosSummaryInput): RunResult {
  const events = input.trace.events();
  const checked = checkAll(buildHistory(events));
  const violations: RunViolation[] = checked.violations.map((violation) => ({ ...violation }));
  for (const message of input.errors) violations.push({ invariant: 'client-error', message, events: [] });
  return {
    name: input.name,
    seed: input.seed,
    client: input.client,
    profile: input.profile,
    traceHash: input.trace.hash(),
    passed: violations.length === 0,
    violations,
    declaredLosses: checked.declaredLosses.length,
    expectedViolations: [],
    errors: [...input.errors],
    stats: {
      devices: input.devices,
      events: events.length,
      exchanges: input.exchanges,
      requestBytes: 0,
      responseBytes: 0,
      opsApplied: count(events, (event) => event.type === 'server.apply'),
      conflicts: count(events, (event) => event.type === 'net.receive' && event.status === 409),
      kills: count(events, (event) => event.type === 'device.kill'),
      virtualMs: input.runMs,
      convergeMs: input.convergeMs,
      wallMs: input.wallMs,
      traceEvents: input.trace.length,
    },
    ...(input.keepTrace ? { trace: events } : {}),
  };
}
