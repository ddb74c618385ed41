/**
 * @module realnet/chaos/schedules
 * Named chaos schedules: what happens to the link between the clients and the server over
 * time, as a list of timed toxic changes (add, update, remove) and proxy down/up, drawn
 * from a seed. Times are real milliseconds from the start of the chaos phase; toxic
 * attributes are Toxiproxy's (ms, KB/s, bytes, µs for slicer delay).
 */

import { UsageError } from '../../kernel/errors.ts';
import type { Rng } from '../../kernel/rng.ts';
import type { ToxicType } from '../proxy/toxic-spec.ts';

export interface ToxicSpec {
  name: string;
  type: ToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

export type ScheduleAction =
  | { atMs: number; do: 'add'; toxic: ToxicSpec }
  | { atMs: number; do: 'update'; toxic: ToxicSpec }
  | { atMs: number; do: 'remove'; name: string }
  | { atMs: number; do: 'down' }
  | { atMs: number; do: 'up' };

export interface ChaosSchedule {
  readonly name: string;
  readonly description: string;
  plan(rng: Rng, durationMs: number): ScheduleAction[];
}

/** Bound on windows one schedule draws. */
const WINDOWS_MAX = 10_000;

function toxic(
  name: string,
  type: ToxicType,
  stream: ToxicSpec['stream'],
  attributes: Record<string, number>,
  toxicity = 1,
): ToxicSpec {
  return { name, type, stream, toxicity, attributes };
}

/** Windows [start, end) inside [0, durationMs): quiet gaps and bad spells of drawn lengths. */
export function drawWindows(
  rng: Rng,
  durationMs: number,
  gapMs: [number, number],
  lengthMs: [number, number],
  leadInMs = 0,
): [number, number][] {
  const windows: [number, number][] = [];
  let at = leadInMs + rng.int(gapMs[0], gapMs[1]);
  while (at < durationMs && windows.length < WINDOWS_MAX) {
    const end = Math.min(durationMs, at + rng.int(lengthMs[0], lengthMs[1]));
    windows.push([at, end]);
    at = end + rng.int(gapMs[0], gapMs[1]);
  }
  return windows;
}

/** A toxic present during each window. */
function during(windows: [number, number][], make: (index: number) => ToxicSpec): ScheduleAction[] {
  return windows.flatMap(([start, end], index) => {
    const spec = make(index);
    return [{ atMs: start, do: 'add', toxic: spec } as const, { atMs: end, do: 'remove', name: spec.name } as const];
  });
}

const flaky3g: ChaosSchedule = {
  name: 'flaky-3g',
  description:
    'A bad 3G link: slow and jittery, thin downlink, spells of reset connections, sliced packets and latency spikes.',
  plan(rng, durationMs) {
    const base = toxic('3g-latency', 'latency', 'downstream', { latency: 250, jitter: 150 });
    const actions: ScheduleAction[] = [
      { atMs: 0, do: 'add', toxic: base },
      { atMs: 0, do: 'add', toxic: toxic('3g-uplink', 'latency', 'upstream', { latency: 80, jitter: 40 }) },
      { atMs: 0, do: 'add', toxic: toxic('3g-bandwidth', 'bandwidth', 'downstream', { rate: 48 }) },
    ];
    for (const [start, end] of drawWindows(rng, durationMs, [1_500, 4_000], [800, 2_000])) {
      const kind = rng.pick(['reset', 'slicer', 'spike'] as const);
      if (kind === 'spike') {
        actions.push({ atMs: start, do: 'update', toxic: { ...base, attributes: { latency: 1_200, jitter: 600 } } });
        actions.push({ atMs: end, do: 'update', toxic: base });
        continue;
      }
      const spell =
        kind === 'reset'
          ? toxic(`3g-reset-${start}`, 'reset_peer', 'downstream', { timeout: rng.int(0, 200) }, 0.5)
          : toxic(`3g-slicer-${start}`, 'slicer', 'downstream', { average_size: 64, size_variation: 32, delay: 2_000 });
      actions.push({ atMs: start, do: 'add', toxic: spell }, { atMs: end, do: 'remove', name: spell.name });
    }
    return actions;
  },
};

const subwayTunnel: ChaosSchedule = {
  name: 'subway-tunnel',
  description: 'A train in and out of tunnels: the signal fades (requests vanish), then the link is down, then back.',
  plan(rng, durationMs) {
    const actions: ScheduleAction[] = [
      { atMs: 0, do: 'add', toxic: toxic('train-latency', 'latency', 'downstream', { latency: 60, jitter: 30 }) },
    ];
    for (const [start, end] of drawWindows(rng, durationMs, [2_000, 5_000], [1_000, 3_000])) {
      const fade = toxic(`fade-${start}`, 'timeout', 'upstream', { timeout: 0 });
      const fadeAt = Math.max(0, start - 300);
      actions.push({ atMs: fadeAt, do: 'add', toxic: fade }, { atMs: start, do: 'down' });
      actions.push({ atMs: end, do: 'up' }, { atMs: end, do: 'remove', name: fade.name });
    }
    return actions;
  },
};

const captivePortal: ChaosSchedule = {
  name: 'captive-portal',
  description: 'Wi-Fi that says online: connections open, but answers never come or come cut short.',
  plan(rng, durationMs) {
    const windows = drawWindows(rng, durationMs, [2_000, 4_000], [1_500, 3_000]);
    return [
      ...during(windows, (index) => toxic(`portal-blackhole-${index}`, 'timeout', 'downstream', { timeout: 2_000 })),
      ...during(windows, (index) => toxic(`portal-truncate-${index}`, 'limit_data', 'downstream', { bytes: 200 }, 0.5)),
    ];
  },
};

const congestedWifi: ChaosSchedule = {
  name: 'congested-wifi',
  description: 'A crowded café: thin bandwidth both ways, jitter, sliced uploads and connections slow to close.',
  plan(rng, durationMs) {
    return [
      { atMs: 0, do: 'add', toxic: toxic('cafe-latency', 'latency', 'downstream', { latency: 100, jitter: 80 }) },
      { atMs: 0, do: 'add', toxic: toxic('cafe-down', 'bandwidth', 'downstream', { rate: 16 }) },
      { atMs: 0, do: 'add', toxic: toxic('cafe-up', 'bandwidth', 'upstream', { rate: 8 }) },
      { atMs: 0, do: 'add', toxic: toxic('cafe-close', 'slow_close', 'downstream', { delay: 500 }) },
      ...during(drawWindows(rng, durationMs, [1_000, 3_000], [1_000, 2_000]), (index) =>
        toxic(`cafe-slicer-${index}`, 'slicer', 'upstream', { average_size: 32, size_variation: 16, delay: 5_000 }),
      ),
    ];
  },
};

const responseLoss: ChaosSchedule = {
  name: 'response-loss',
  description:
    'Short, frequent spells in which answers are lost after the server applied the request: reset, or swallowed until the connection times out.',
  plan(rng, durationMs) {
    // A clean lead-in lets first records reach the server; then spells come thick and fast.
    const windows = drawWindows(rng, durationMs, [300, 600], [700, 1_200], Math.floor(durationMs * 0.12));
    return during(windows, (index) =>
      index % 2 === 0
        ? toxic(`loss-reset-${index}`, 'reset_peer', 'downstream', { timeout: 0 })
        : toxic(`loss-swallow-${index}`, 'timeout', 'downstream', { timeout: 400 }),
    );
  },
};

const calm: ChaosSchedule = {
  name: 'calm',
  description: 'No toxics: the real network as it is (a baseline).',
  plan: () => [],
};

export const SCHEDULES: readonly ChaosSchedule[] = Object.freeze([
  flaky3g,
  subwayTunnel,
  captivePortal,
  congestedWifi,
  responseLoss,
  calm,
]);

export function findSchedule(name: string): ChaosSchedule {
  const found = SCHEDULES.find((schedule) => schedule.name === name);
  if (found !== undefined) return found;
  throw new UsageError(`Unknown chaos schedule '${name}'. Known: ${SCHEDULES.map((s) => s.name).join(', ')}.`);
}

/** The schedule's actions for a seed, in time order (equal times keep their order). */
export function planSchedule(schedule: ChaosSchedule, rng: Rng, durationMs: number): ScheduleAction[] {
  return schedule
    .plan(rng, durationMs)
    .map((action, index) => ({ action, index }))
    .sort((a, b) => a.action.atMs - b.action.atMs || a.index - b.index)
    .map((entry) => entry.action);
}
