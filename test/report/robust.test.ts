/**
 * Goal: the renderers survive any trace and any strings: no throw, JUnit well-formed, Mermaid
 * free of characters it chokes on, no raw `<` in the HTML data block. Method: fast-check
 * draws runs whose events mix known and unknown types with arbitrary JSON fields and
 * arbitrary Unicode (lone surrogates and control characters included) in every string slot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMermaid } from '../../src/report/mermaid.ts';
import type { RunResult } from '../../src/sim/result.ts';
import { stats } from './fixtures.ts';
import { checkXml } from './xml-check.ts';

const TYPES = [
  'net.send',
  'net.receive',
  'net.fault',
  'net.deliver',
  'server.apply',
  'server.reject',
  'user.create',
  'user.resolve',
  'device.kill',
  'sim.phase',
  'sim.final',
  'client.conflict',
];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('<script>', '</script>', '"\'><img>', '#;:%%', 'end'),
);

const event = fc.record({
  type: fc.oneof(fc.constantFrom(...TYPES), text),
  device: fc.option(text, { nil: undefined }),
  requestId: fc.option(text, { nil: undefined }),
  status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
  extra: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  dt: fc.nat({ max: 50 }),
});

const run = fc
  .record({ name: text, client: text, profile: text, message: text, events: fc.array(event, { maxLength: 40 }) })
  .map(({ name, client, profile, message, events }): RunResult => {
    let t = 0;
    const trace: TraceEvent[] = events.map((drawn, seq) => {
      t += drawn.dt;
      const { extra, dt: _dt, ...known } = drawn;
      return JSON.parse(JSON.stringify({ ...extra, ...known, seq, t })) as TraceEvent;
    });
    return {
      name,
      seed: '1',
      client,
      profile,
      traceHash: 'h',
      passed: false,
      violations: [{ invariant: message, message, events: trace.slice(0, 2).map((drawn) => drawn.seq), device: name }],
      declaredLosses: 0,
      expectedViolations: [],
      errors: [],
      stats: stats(),
      trace,
    };
  });

describe('renderers on arbitrary runs', () => {
  it('never throw and keep their formats intact', () => {
    fc.assert(
      fc.property(run, (result) => {
        const repros = { [result.name]: { path: result.violations[0]!.message, steps: 2 } };
        expect(checkXml(renderJunit([result], { repros })).errors).toEqual([]);
        for (const line of renderMermaid(result, { repros }).trimEnd().split('\n')) {
          const body = line.replace(/^\s*(D\d+|S)(->>|-->>|--x|-\))(D\d+|S): /, '').replace(/#\d+;/g, '');
          expect(body).not.toMatch(/[#;"'<>`{}\r\n]/);
        }
        const html = renderHtml([result], { repros });
        const open = html.indexOf('<script type="application/json"');
        const data = html.slice(html.indexOf('>', open) + 1, html.indexOf('</script>', open));
        expect(data).not.toContain('<');
        expect(html.match(/<script\b/g)).toHaveLength(2);
      }),
      { numRuns: 150, seed: 20_250_102 },
    );
  });
});
