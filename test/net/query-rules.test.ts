// Goal: network rules match query parameters (issue 14, item 3): an exact value, '*' for
// "present", null for "absent"; unlisted parameters are ignored, and a rule with a query
// never matches a request without the parameter it asks for. A malformed query is refused.
// Method: send GETs with different query strings through drop rules and list which reached
// the server (the counting server records the path and query it saw).
import { describe, expect, test } from 'vitest';
import { AssertionError } from '../../src/kernel/assert.ts';
import { queryMatches } from '../../src/kernel/query-match.ts';
import { type NetworkFaultRule, RuleBook } from '../../src/net/index.ts';
import { netHarness } from './harness.ts';

async function survivors(rules: NetworkFaultRule[], urls: string[]): Promise<string[]> {
  const h = netHarness({ timeoutMs: 100 });
  for (const rule of rules) h.network.addRule(rule);
  const reached: string[] = [];
  urls.forEach((url, index) => {
    h.scheduler.at(index, 'send', () => {
      void h.network
        .fetchFor(h.device('A'))(h.url(url))
        .then(() => reached.push(url))
        .catch(() => {});
    });
  });
  await h.run();
  return reached;
}

const DROP = { type: 'drop-request' } as const;
const URLS = ['/changes', '/changes?since=c1', '/changes?since=c2&limit=50', '/changes?limit=50', '/snapshot?since=c1'];

describe('network rules with match.query', () => {
  test('an exact value matches that value only, on any path the rule allows', async () => {
    const rule: NetworkFaultRule = { match: { path: '/changes', query: { since: 'c1' } }, verdict: DROP };
    expect(await survivors([rule], URLS)).toEqual(URLS.filter((url) => url !== '/changes?since=c1'));
  });

  test("'*' matches a present parameter with any value; null matches its absence", async () => {
    const present: NetworkFaultRule = { match: { query: { since: '*' } }, verdict: DROP };
    expect(await survivors([present], URLS)).toEqual(['/changes', '/changes?limit=50']);
    const absent: NetworkFaultRule = { match: { path: '/changes', query: { since: null } }, verdict: DROP };
    expect(await survivors([absent], URLS)).toEqual([
      '/changes?since=c1',
      '/changes?since=c2&limit=50',
      '/snapshot?since=c1',
    ]);
  });

  test('every listed key must agree; unlisted keys are ignored', async () => {
    const both: NetworkFaultRule = { match: { query: { since: 'c2', limit: '50' } }, verdict: DROP };
    expect(await survivors([both], URLS)).toEqual(URLS.filter((url) => url !== '/changes?since=c2&limit=50'));
  });

  test('a malformed query is refused when the rule is added', () => {
    const book = new RuleBook();
    const bad = { match: { query: { since: 3 } }, verdict: DROP } as unknown as NetworkFaultRule;
    expect(() => book.add(bad)).toThrow(AssertionError);
    expect(() => book.add({ match: { query: { '': 'x' } }, verdict: DROP })).toThrow(/query keys/);
  });

  test('queryMatches: no condition matches all, a missing query string has no parameters', () => {
    expect(queryMatches(undefined, undefined)).toBe(true);
    expect(queryMatches({}, undefined)).toBe(true);
    expect(queryMatches({ since: null }, undefined)).toBe(true);
    expect(queryMatches({ since: '*' }, undefined)).toBe(false);
    expect(queryMatches({ since: '' }, new URLSearchParams('since='))).toBe(true);
    expect(queryMatches({ since: '*' }, new URLSearchParams('since='))).toBe(true);
  });
});
