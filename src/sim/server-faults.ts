/**
 * @module sim/server-faults
 * Draws one window of server misbehaviour for the nemesis: which fault, on which route,
 * how often within the window. `flaky` sticks to what every backend does on a bad day
 * (429, 503, expired tokens, spurious conflicts, paging hiccups); `hostile` adds the rest.
 * `drawCursorRule` draws the cursor resets (flaky: an expired cursor; hostile: compaction too)
 * and the server write that lands between an op's apply and its answer.
 */
import type { Rng } from '../kernel/rng.ts';
import type { ServerFault, ServerFaultRule } from '../server/index.ts';
import type { ProfileName } from './plan.ts';

export interface ServerRuleOptions {
  id: string;
  fromMs: number;
  untilMs: number;
  profile: ProfileName;
}

type Drawn = { fault: ServerFault; route?: ServerFaultRule['match']['route']; probability: number };

const FLAKY: readonly (readonly [(rng: Rng) => Drawn, number])[] = [
  [(rng) => ({ fault: { type: '429', retryAfterS: rng.int(1, 30) }, probability: 0.5 }), 3],
  [() => ({ fault: { type: '503' }, probability: 0.4 }), 3],
  [() => ({ fault: { type: '500' }, probability: 0.3 }), 1],
  [() => ({ fault: { type: 'token-expired' }, probability: 0.3 }), 2],
  [() => ({ fault: { type: 'spurious-409' }, route: 'op', probability: 0.3 }), 1],
  [() => ({ fault: { type: 'concurrent-write' }, route: 'op', probability: 0.3 }), 1],
  [(rng) => ({ fault: { type: 'short-page', limit: rng.int(1, 3) }, route: 'changes', probability: 0.5 }), 1],
  [() => ({ fault: { type: 'write-between-pages' }, route: 'changes', probability: 0.3 }), 1],
  [() => ({ fault: { type: 'stale-delta' }, route: 'changes', probability: 0.5 }), 2],
];

const HOSTILE_EXTRA: readonly (readonly [(rng: Rng) => Drawn, number])[] = [
  [() => ({ fault: { type: 'changes-out-of-order' }, route: 'changes', probability: 0.5 }), 2],
  [() => ({ fault: { type: 'overlapping-page' }, route: 'changes', probability: 0.5 }), 2],
  [() => ({ fault: { type: '412' }, route: 'op', probability: 0.2 }), 1],
  [(rng) => ({ fault: { type: 'slow', ms: rng.int(1_000, 60_000) }, probability: 0.3 }), 2],
];

const CURSOR_FLAKY: readonly (readonly [(rng: Rng) => Drawn, number])[] = [
  [() => ({ fault: { type: 'cursor-expired' }, route: 'changes', probability: 0.3 }), 2],
  [() => ({ fault: { type: 'write-after-apply' }, route: 'op', probability: 0.3 }), 1],
];

const CURSOR_HOSTILE_EXTRA: readonly (readonly [(rng: Rng) => Drawn, number])[] = [
  [() => ({ fault: { type: 'compaction' }, route: 'changes', probability: 0.3 }), 2],
  [() => ({ fault: { type: 'write-after-apply' }, route: 'batch', probability: 0.3 }), 1],
];

/**
 * One window of cursor resets or of server writes racing an op's answer. Drawn from its own
 * stream, beside the windows of drawServerRule, so adding it left those draws as they were.
 */
export function drawCursorRule(rng: Rng, options: ServerRuleOptions): ServerFaultRule {
  const table = options.profile === 'hostile' ? [...CURSOR_FLAKY, ...CURSOR_HOSTILE_EXTRA] : CURSOR_FLAKY;
  const drawn = rng.weighted(table)(rng);
  return {
    id: options.id,
    match: {
      ...(drawn.route !== undefined ? { route: drawn.route } : {}),
      fromMs: options.fromMs,
      untilMs: options.untilMs,
      probability: drawn.probability,
    },
    fault: drawn.fault,
  };
}

export function drawServerRule(rng: Rng, options: ServerRuleOptions): ServerFaultRule {
  const table = options.profile === 'hostile' ? [...FLAKY, ...HOSTILE_EXTRA] : FLAKY;
  const drawn = rng.weighted(table)(rng);
  return {
    id: options.id,
    match: {
      ...(drawn.route !== undefined ? { route: drawn.route } : {}),
      fromMs: options.fromMs,
      untilMs: options.untilMs,
      probability: drawn.probability,
    },
    fault: drawn.fault,
  };
}
