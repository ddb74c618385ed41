/**
 * @module sim/exercised
 * What a run exercised, counted from its trace: the faults injected per kind (network
 * faults by their name, server faults as `server <type>`) and the device kills. A passing
 * report shows these so that "all held" says against what.
 */
import type { TraceEvent } from '../kernel/trace.ts';

export interface Exercised {
  kills: number;
  /** Fault injections per kind; empty when none. */
  faults: Record<string, number>;
}

export function exercisedBy(events: readonly TraceEvent[]): Exercised {
  let kills = 0;
  const faults: Record<string, number> = {};
  for (const event of events) {
    if (event.type === 'device.kill') kills += 1;
    const kind =
      event.type === 'net.fault'
        ? String(event.fault)
        : event.type === 'server.fault'
          ? `server ${String(event.effect)}`
          : undefined;
    if (kind !== undefined) faults[kind] = (faults[kind] ?? 0) + 1;
  }
  return { kills, faults };
}

/** Adds `faults` into `totals` (in place). */
export function addFaults(totals: Record<string, number>, faults: Readonly<Record<string, number>> | undefined): void {
  for (const [kind, count] of Object.entries(faults ?? {})) {
    if (typeof count === 'number' && Number.isFinite(count)) totals[kind] = (totals[kind] ?? 0) + count;
  }
}
