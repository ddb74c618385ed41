/**
 * @module net/rules
 * Fault rules as data. Each rule looks at a request when it is sent and returns a verdict;
 * the first non-pass verdict wins (turmoil's design, plus duplicate). Every rule counts the
 * requests it matches, even when an earlier rule won, so `nth` means the same thing
 * whatever other rules exist.
 */
import { assert } from '../kernel/assert.ts';
import { queryMatches, queryMatchProblem } from '../kernel/query-match.ts';
import type { Rng } from '../kernel/rng.ts';
import type { FaultVerdict, NetworkFaultMatch, NetworkFaultRule } from './types.ts';

/** Bound on installed rules; a scenario or fuzzer past it is a runaway. */
export const RULES_MAX = 10_000;

/** What a rule sees of a request. */
export interface RuleSubject {
  device: string;
  /** Upper case. */
  method: string;
  /** Pathname, without query. */
  path: string;
  /** The query string (absent: none). */
  query?: URLSearchParams;
  /** Virtual time the request is sent at. */
  timeMs: number;
}

export interface RuleHit {
  ruleId: string;
  verdict: FaultVerdict;
}

interface RuleEntry {
  readonly rule: NetworkFaultRule;
  readonly id: string;
  matched: number;
  applied: number;
}

export function validateRule(rule: NetworkFaultRule): void {
  const where = `NetworkFaultRule${rule.id === undefined ? '' : ` '${rule.id}'`}`;
  const { match, verdict } = rule;
  assert(typeof match === 'object' && match !== null, `${where}: match must be an object`);
  assert(match.nth === undefined || (Number.isInteger(match.nth) && match.nth >= 1), `${where}: nth must be >= 1`);
  const probability = match.probability ?? 1;
  assert(probability >= 0 && probability <= 1, `${where}: probability ${probability} outside [0, 1]`);
  assert(
    match.path === undefined || match.path.startsWith('/') || match.path === '*',
    `${where}: path must start with /`,
  );
  const queryProblem = match.query === undefined ? undefined : queryMatchProblem(match.query);
  assert(queryProblem === undefined, `${where}: ${queryProblem}`);
  assert(rule.times === undefined || (Number.isInteger(rule.times) && rule.times >= 0), `${where}: times must be >= 0`);
  assert(typeof verdict === 'object' && verdict !== null, `${where}: verdict must be an object`);
  switch (verdict.type) {
    case 'delay':
      assert(Number.isFinite(verdict.ms) && verdict.ms >= 0, `${where}: delay ms must be >= 0`);
      assert(verdict.leg === undefined || verdict.leg === 'request' || verdict.leg === 'response', `${where}: bad leg`);
      break;
    case 'duplicate':
      assert(verdict.delayMs === undefined || verdict.delayMs >= 0, `${where}: duplicate delayMs must be >= 0`);
      break;
    case 'status':
      assert(Number.isInteger(verdict.status), `${where}: status must be an integer`);
      assert(verdict.status >= 200 && verdict.status <= 599, `${where}: status ${verdict.status} outside 200..599`);
      break;
    case 'pass':
    case 'drop-request':
    case 'drop-response':
    case 'reset':
      break;
    default:
      assert(false, `${where}: unknown verdict type '${(verdict as { type: unknown }).type}'`);
  }
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return path === pattern;
}

function matches(match: NetworkFaultMatch, subject: RuleSubject): boolean {
  if (match.device !== undefined && match.device !== subject.device) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== subject.method) return false;
  if (match.path !== undefined && !pathMatches(match.path, subject.path)) return false;
  if (!queryMatches(match.query, subject.query)) return false;
  if (match.fromMs !== undefined && subject.timeMs < match.fromMs) return false;
  if (match.untilMs !== undefined && subject.timeMs >= match.untilMs) return false;
  return true;
}

export class RuleBook {
  private entries: RuleEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Installs a copy of `rule` (later edits of the caller's object have no effect). */
  add(rule: NetworkFaultRule): void {
    validateRule(rule);
    assert(this.entries.length < RULES_MAX, `RuleBook: more than ${RULES_MAX} rules`);
    const copy = JSON.parse(JSON.stringify(rule)) as NetworkFaultRule;
    this.entries.push({ rule: copy, id: rule.id ?? `rule-${this.entries.length + 1}`, matched: 0, applied: 0 });
  }

  clear(): void {
    this.entries = [];
  }

  /** The first non-pass verdict for `subject`, or undefined. `rng` is the sending device's rule stream. */
  evaluate(subject: RuleSubject, rng: Rng): RuleHit | undefined {
    let hit: RuleHit | undefined;
    for (const entry of this.entries) {
      const { match, verdict, times } = entry.rule;
      if (!matches(match, subject)) continue;
      entry.matched++;
      if (hit !== undefined || verdict.type === 'pass') continue;
      if (times !== undefined && entry.applied >= times) continue;
      if (match.nth !== undefined && entry.matched !== match.nth) continue;
      if (!rng.chance(match.probability ?? 1)) continue;
      entry.applied++;
      hit = { ruleId: entry.id, verdict };
    }
    return hit;
  }
}
