/**
 * Goal: server fault rules match query parameters (issue 14, item 3) at every decision point
 * that sees a query string: gateway faults and page faults fire only on requests whose query
 * agrees with the rule (exact value, '*' present, null absent); ops carry no query string, so
 * only a rule asking for absent parameters fires on them. Scenario files accept `query` on
 * both kinds of rules, and refuse a malformed one with the path of the bad value.
 * Method: a ReferenceServer with rules; compare statuses and page sizes per request.
 */
import { describe, expect, test } from 'vitest';
import { isUsageError } from '../../src/kernel/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { ChangesPage } from '../../src/server/index.ts';
import { validScenario } from '../scenario/fixtures.ts';
import { withRecords } from './harness.ts';

describe('server fault rules with match.query', () => {
  test('a gateway fault fires on the exact value, on present, or on absent parameters', async () => {
    const h = await withRecords(0);
    h.server.addRule({ id: 'exact', match: { route: 'changes', query: { limit: '1' } }, fault: { type: '500' } });
    h.server.addRule({ id: 'absent', match: { route: 'changes', query: { limit: null } }, fault: { type: '503' } });
    h.server.addRule({ id: 'present', match: { route: 'snapshot', query: { limit: '*' } }, fault: { type: '412' } });
    const statuses = [];
    for (const path of ['/changes?limit=1', '/changes?limit=2', '/changes', '/snapshot', '/snapshot?limit=3'])
      statuses.push([path, (await h.call('GET', path)).status]);
    expect(statuses).toEqual([
      ['/changes?limit=1', 500],
      ['/changes?limit=2', 200],
      ['/changes', 503],
      ['/snapshot', 200],
      ['/snapshot?limit=3', 412],
    ]);
  });

  test('a page fault fires only on pages asked with the matching query', async () => {
    const h = await withRecords(5);
    h.server.addRule({ match: { route: 'changes', query: { limit: '4' } }, fault: { type: 'short-page', limit: 1 } });
    const sizes = [];
    for (const path of ['/changes?limit=3', '/changes?limit=4'])
      sizes.push((await h.call<ChangesPage>('GET', path)).body.changes.length);
    expect(sizes).toEqual([3, 1]);
  });

  test('ops carry no query string: only absent-parameter rules fire on them', async () => {
    const h = await withRecords(0);
    h.server.addRule({ match: { route: 'op', query: { since: '*' } }, fault: { type: '500' } });
    expect((await h.op(h.create('notes', 'a'))).status).toBe(201);
    h.server.addRule({ match: { route: 'op', query: { since: null } }, fault: { type: '503' } });
    expect((await h.op(h.create('notes', 'b'))).status).toBe(503);
  });
});

describe('query in scenario files', () => {
  test('network and server rules accept query; a malformed one is refused with its path', () => {
    const scenario = {
      ...validScenario(),
      networkRules: [{ match: { path: '/changes', query: { since: null } }, verdict: { type: 'drop-request' } }],
      serverRules: [{ match: { route: 'changes', query: { limit: '*' } }, fault: { type: '500' } }],
    };
    const parsed = parseScenario(JSON.stringify(scenario), 'ok.json');
    expect(parsed.networkRules?.[0]?.match.query).toEqual({ since: null });
    expect(parsed.serverRules?.[0]?.match.query).toEqual({ limit: '*' });
    const bad = { ...scenario, serverRules: [{ match: { query: { limit: 3 } }, fault: { type: '500' } }] };
    let error: unknown;
    try {
      parseScenario(JSON.stringify(bad), 'bad.json');
    } catch (caught) {
      error = caught;
    }
    expect(isUsageError(error)).toBe(true);
    expect(String(error)).toMatch(/serverRules\[0\]\.match\.query\.limit/);
  });
});
