/**
 * @module server/faults
 * Evaluates the server fault rules (fault-rules.ts) at each decision point of a request. At a
 * point, rules are tried in the order they were added and the first one that fires decides;
 * later rules are not tried (their counters do not move). A rule fires when its match fits the
 * request, the fault can take effect here (`applicable`, e.g. a spurious 409 needs an existing
 * record), it is the nth such request (if `nth`), its probability draw succeeds (if
 * `probability`) and it has fired fewer than `times` times. Firing records `server.fault`.
 */
import { assert } from '../kernel/assert.ts';
import { queryMatches } from '../kernel/query-match.ts';
import type { Rng } from '../kernel/rng.ts';
import {
  DECISION_POINT,
  type DecisionPoint,
  type ServerFault,
  type ServerFaultRule,
  type ServerRoute,
  serverFaultRuleSchema,
} from './fault-rules.ts';
import type { ServerHistory } from './history.ts';
import type { OpKind } from './protocol.ts';
import { formatPath } from './validation.ts';

export interface FaultSubject {
  device: string;
  route: ServerRoute;
  /** Kinds of the ops concerned (empty for changes, snapshot and refresh). */
  kinds: readonly OpKind[];
  /** The request's query string (absent: none, as for ops). */
  query?: URLSearchParams;
}

export interface FiredFault {
  rule: string;
  fault: ServerFault;
}

interface RuleState {
  id: string;
  rule: ServerFaultRule;
  point: DecisionPoint;
  matched: number;
  fired: number;
}

/** Bound on rules at once; a fault plan bigger than this is a generator bug. */
export const FAULT_RULES_MAX = 10_000;

export class FaultEngine {
  private rules: RuleState[] = [];
  private added = 0;
  enabled = true;

  constructor(
    private readonly rng: Rng,
    private readonly history: ServerHistory,
    /** Virtual ms since the start of the run. */
    private readonly elapsedMs: () => number,
  ) {}

  /** Validates and adds a rule; an invalid rule is a programmer error and throws. */
  add(rule: ServerFaultRule): void {
    const parsed = serverFaultRuleSchema.safeParse(rule);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : `${formatPath(issue.path)}: ${issue.message}`;
      throw new Error(`[syncstorm] ReferenceServer.addRule: invalid rule ${JSON.stringify(rule)} (${where}).`);
    }
    assert(this.rules.length < FAULT_RULES_MAX, `ReferenceServer.addRule: more than ${FAULT_RULES_MAX} rules`);
    this.added++;
    const value: ServerFaultRule = parsed.data;
    this.rules.push({
      id: value.id ?? `rule-${this.added}`,
      rule: value,
      point: DECISION_POINT[value.fault.type],
      matched: 0,
      fired: 0,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault that fires at `point` for `subject`, if any. */
  decide(
    point: DecisionPoint,
    subject: FaultSubject,
    applicable: (fault: ServerFault) => boolean = () => true,
  ): FiredFault | undefined {
    if (!this.enabled) return undefined;
    for (const state of this.rules) {
      if (state.point !== point || !this.fits(state, subject) || !applicable(state.rule.fault)) continue;
      state.matched++;
      const { nth, probability } = state.rule.match;
      if (nth !== undefined && state.matched !== nth) continue;
      if (probability !== undefined && !this.rng.chance(probability)) continue;
      state.fired++;
      this.history.fault(subject.device, state.id, state.rule.fault.type);
      return { rule: state.id, fault: state.rule.fault };
    }
    return undefined;
  }

  private fits(state: RuleState, subject: FaultSubject): boolean {
    const { match, times } = state.rule;
    if (times !== undefined && state.fired >= times) return false;
    if (match.device !== undefined && match.device !== subject.device) return false;
    if (match.route !== undefined && match.route !== subject.route) return false;
    if (match.kind !== undefined && !subject.kinds.includes(match.kind)) return false;
    if (!queryMatches(match.query, subject.query)) return false;
    const elapsed = this.elapsedMs();
    if (match.fromMs !== undefined && elapsed < match.fromMs) return false;
    if (match.untilMs !== undefined && elapsed >= match.untilMs) return false;
    return true;
  }
}
