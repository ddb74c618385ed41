/**
 * @module sim/nemesis
 * Draws the faults of a profile as explicit plan data: offline spells, kills (at random
 * moments and at the client's crash points) and restarts, partitions, backgrounding, clock
 * skew, bursts of network faults and windows of server faults. Being data, every fault can
 * be removed by the shrinker or written into a scenario file.
 */
import type { Rng } from '../kernel/rng.ts';
import type { FaultVerdict, NetworkFaultRule } from '../net/index.ts';
import type { ServerFaultRule } from '../server/index.ts';
import type { DevicePlan, ProfileName, Step } from './plan.ts';
import { PROFILES } from './profiles.ts';
import { drawCursorRule, drawServerRule } from './server-faults.ts';

export interface NemesisOptions {
  devices: DevicePlan[];
  profile: ProfileName;
  chaosMs: number;
}

export interface Nemesis {
  steps: Step[];
  networkRules: NetworkFaultRule[];
  serverRules: ServerFaultRule[];
}

/** Crash point wildcard: the device dies at the next crash point its client reaches. */
export const ANY_CRASH_POINT = '*';

const HOUR_MS = 60 * 60_000;

/** A count with mean `mean`: its integer part, plus one with the fraction's probability. */
function countFor(rng: Rng, mean: number): number {
  const whole = Math.floor(mean);
  return whole + (rng.chance(mean - whole) ? 1 : 0);
}

function windows(rng: Rng, perHour: number, chaosMs: number, durationMsMax: number): [number, number][] {
  const count = countFor(rng, (perHour * chaosMs) / HOUR_MS);
  return Array.from({ length: count }, () => {
    const start = rng.int(0, chaosMs - 1);
    const duration = rng.int(Math.min(1_000, durationMsMax), Math.max(1_000, durationMsMax));
    return [start, Math.min(chaosMs, start + duration)];
  });
}

function deviceSteps(rng: Rng, device: string, options: NemesisOptions): Step[] {
  const { rates } = PROFILES[options.profile];
  const chaosMs = options.chaosMs;
  const steps: Step[] = [];
  if (rates.skewMsMax > 0 && rng.chance(0.5)) {
    steps.push({ at: 0, do: 'skew', device, ms: rng.int(-rates.skewMsMax, rates.skewMsMax) });
  }
  for (const [from, to] of windows(rng, rates.offlinePerHour, chaosMs, rates.offlineMsMax)) {
    steps.push({ at: from, do: 'offline', device }, { at: to, do: 'online', device });
  }
  for (const [from, to] of windows(rng, rates.killsPerHour, chaosMs, 5 * 60_000)) {
    const point = rng.chance(0.5) ? ANY_CRASH_POINT : undefined;
    steps.push(point ? { at: from, do: 'kill', device, point } : { at: from, do: 'kill', device });
    steps.push({ at: to, do: 'restart', device });
  }
  for (const [from, to] of windows(rng, rates.partitionsPerHour, chaosMs, 10 * 60_000)) {
    const direction = rng.pick(['both', 'outbound', 'inbound'] as const);
    steps.push({ at: from, do: 'partition', device, direction }, { at: to, do: 'repair', device });
  }
  for (const [from, to] of windows(rng, rates.backgroundPerHour, chaosMs, 30 * 60_000)) {
    steps.push({ at: from, do: 'background', device }, { at: to, do: 'foreground', device });
  }
  return steps;
}

const NETWORK_VERDICTS: readonly FaultVerdict[] = [
  { type: 'drop-response' },
  { type: 'drop-request' },
  { type: 'duplicate' },
  { type: 'reset' },
  { type: 'delay', ms: 5_000, leg: 'response' },
];

function networkRules(rng: Rng, device: string, options: NemesisOptions): NetworkFaultRule[] {
  const { rates } = PROFILES[options.profile];
  return windows(rng, rates.networkFaultsPerHour, options.chaosMs, 2 * 60_000).map(([fromMs, untilMs], index) => ({
    id: `net-${device}-${index}`,
    match: { device, path: rng.pick(['/sync/*', '/changes', '*']), fromMs, untilMs, probability: 0.5 },
    verdict: rng.pick(NETWORK_VERDICTS),
  }));
}

/** Gateway refusals of a pull, as real proxies and engines answer them, with their bodies. */
const PULL_REFUSALS: readonly Extract<FaultVerdict, { type: 'status' }>[] = [
  { type: 'status', status: 400, body: { error: 'bad-request', reason: 'offset-out-of-bounds', path: 'since' } },
  { type: 'status', status: 409, body: { error: 'resync-required', reason: 'must-refetch' } },
  { type: 'status', status: 410, body: { error: 'resync-required', reason: 'cursor-expired', path: 'since' } },
  { type: 'status', status: 412, body: { error: 'precondition-failed', reason: 'injected' } },
];

/** `flaky` refuses pulls with 400 and 410 (a stale CDN, a restarted shard); `hostile` with all four. */
function pullRefusals(rng: Rng, device: string, options: NemesisOptions): NetworkFaultRule[] {
  const perHour = PROFILES[options.profile].rates.pullRefusalsPerHour ?? 0;
  const verdicts =
    options.profile === 'hostile' ? PULL_REFUSALS : PULL_REFUSALS.filter((v) => v.status !== 409 && v.status !== 412);
  return windows(rng, perHour, options.chaosMs, 2 * 60_000).map(([fromMs, untilMs], index) => ({
    id: `pull-${device}-${index}`,
    match: { device, method: 'GET', path: '/changes', fromMs, untilMs, probability: 0.5 },
    verdict: rng.pick(verdicts),
  }));
}

export function drawNemesis(rng: Rng, options: NemesisOptions): Nemesis {
  const steps: Step[] = [];
  const network: NetworkFaultRule[] = [];
  for (const device of options.devices) {
    const deviceRng = rng.fork(device.id);
    steps.push(...deviceSteps(deviceRng.fork('device'), device.id, options));
    network.push(...networkRules(deviceRng.fork('network'), device.id, options));
    network.push(...pullRefusals(deviceRng.fork('pull-refusals'), device.id, options));
  }
  const serverRng = rng.fork('server');
  const { rates } = PROFILES[options.profile];
  const serverRules = windows(serverRng, rates.serverFaultsPerHour, options.chaosMs, 3 * 60_000).map(
    ([fromMs, untilMs], index) =>
      drawServerRule(serverRng, { id: `srv-${index}`, fromMs, untilMs, profile: options.profile }),
  );
  const cursorRng = rng.fork('server-cursor');
  const cursorRules = windows(cursorRng, rates.cursorFaultsPerHour ?? 0, options.chaosMs, 3 * 60_000).map(
    ([fromMs, untilMs], index) =>
      drawCursorRule(cursorRng, { id: `srv-cursor-${index}`, fromMs, untilMs, profile: options.profile }),
  );
  return { steps, networkRules: network, serverRules: [...serverRules, ...cursorRules] };
}
