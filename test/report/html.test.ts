/**
 * Goal: report.html never carries a hostile string as markup, its data block round-trips,
 * and its model holds the swimlanes and final-state diff a reader needs, bounded on big
 * traces. Method: render the fixture campaign, cut the page into the data block and the
 * rest, and inspect both; then check the model's timeline, state table and caps.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Trace } from '../../src/kernel/trace.ts';
import { readReportModel, renderHtml } from '../../src/report/html.ts';
import { buildReportModel } from '../../src/report/html-model.ts';
import { buildSummary } from '../../src/report/summary.ts';
import { campaign, DEVICE_A, DEVICE_B, failingRun, HOSTILE, REPROS } from './fixtures.ts';

const OPEN = '<script type="application/json" id="syncstorm-data">';

function split(html: string): { data: string; rest: string } {
  const start = html.indexOf(OPEN);
  const end = html.indexOf('</script>', start);
  return {
    data: html.slice(start + OPEN.length, end),
    rest: html.slice(0, start) + html.slice(end + '</script>'.length),
  };
}

describe('report.html escaping', () => {
  const options = { repros: REPROS, runId: 'r1', startedAt: '2025-01-02T03:04:05Z' };
  const html = renderHtml(campaign(), options);
  const { data, rest } = split(html);

  it('has no hostile string raw anywhere, and no < at all in the data block', () => {
    for (const text of Object.values(HOSTILE)) if (/[<>]/.test(text)) expect(html).not.toContain(text);
    expect(data).not.toMatch(/[<>]/);
    expect(rest).not.toMatch(/<(img|svg|iframe|object|embed|link|base)\b/i);
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('shows hostile strings as escaped text in the overview', () => {
    expect(rest).toContain('seed-7 &lt;script&gt;window.__pwned=&#39;script&#39;;alert(1)&lt;/script&gt;');
    expect(rest).toContain('&quot;storm&quot; &amp; &#39;hail&#39;');
  });

  it('loads nothing from outside and allows only its own script', () => {
    expect(html).not.toMatch(/https?:\/\//);
    const script = html.slice(html.lastIndexOf('<script>') + '<script>'.length, html.lastIndexOf('</script>'));
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`);
    expect(html).toContain('default-src &#39;none&#39;');
  });

  it('embeds data that reads back to the model', () => {
    const results = campaign();
    const model = buildReportModel(results, buildSummary(results, options), options);
    expect(readReportModel(html)).toEqual(JSON.parse(JSON.stringify(model)));
    expect(readReportModel(html).runs[0]!.name).toBe(failingRun().name);
  });
});

describe('report model', () => {
  const results = campaign();
  const model = buildReportModel(results, buildSummary(results, { repros: REPROS }), { repros: REPROS });
  const run = model.runs[0]!;
  const timeline = run.timeline!;

  it('lists failing runs first and draws each of them', () => {
    expect(model.rows.map((row) => row.status)).toEqual(['failed', 'error', 'failed', 'passed', 'passed']);
    expect(model.rows.map((row) => row.detail)).toEqual([0, 1, 2, null, null]);
    expect(run.repro).toBe(REPROS[run.name]!.path);
  });

  it('has a lane per device plus the server, markers placed in time order', () => {
    expect(timeline.lanes.map((lane) => lane.name)).toEqual([DEVICE_A, DEVICE_B, 'Server']);
    const xs = timeline.events.map((event) => event.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(timeline.phases.map((phase) => phase.label)).toEqual(['phase chaos', 'phase heal', 'phase check']);
    expect(timeline.events.filter((event) => event.witness).map((event) => event.seq)).toEqual([8, 13, 25]);
    const kill = timeline.events.find((event) => event.kind === 'kill')!;
    expect(kill.lane).toBe(0);
    expect(JSON.parse(kill.detail)).toMatchObject({ type: 'device.kill', point: 'after-send' });
  });

  it('spans each request to its answer with the outcome', () => {
    expect(timeline.spans.map((span) => [/\(r\d\)/.exec(span.label)?.[0], span.outcome])).toEqual([
      ['(r1)', 'open'],
      ['(r2)', 'http-error'],
      ['(r3)', 'failed'],
      ['(r4)', 'ok'],
    ]);
  });

  it('marks final-state differences per device', () => {
    const state = run.state!;
    expect(state.columns).toEqual(['Server', DEVICE_A, DEVICE_B]);
    const record = state.rows.find((row) => row.key === 'notes/n1')!;
    expect(record.differs).toEqual([false, false, true]);
    expect(record.cells[2]).toContain(JSON.stringify(HOSTILE.img).slice(1, -1));
    expect(state.rows.find((row) => row.key === 'pending')).toMatchObject({
      kind: 'meta',
      cells: [null, '0', '1'],
      differs: [false, false, true],
    });
    expect(state.rowsDiffering).toBe(1);
  });

  it('caps events per lane on a big trace, keeping the witness', () => {
    let now = 0;
    const trace = new Trace({ now: () => now });
    for (let index = 0; index < 3_000; index += 1) {
      now = index * 5;
      trace.record('user.update', { device: index % 2 === 0 ? 'a' : 'b', collection: 'c', id: `r${index}` });
    }
    const big = {
      ...failingRun(),
      trace: trace.events(),
      violations: [{ invariant: 'x', message: 'y', events: [1_001] }],
    };
    const capped = buildReportModel([big], buildSummary([big]), { eventsPerLaneMax: 50 }).runs[0]!.timeline!;
    expect(capped.lanes.map((lane) => [lane.shown, lane.total])).toEqual([
      [50, 1_500],
      [50, 1_500],
      [0, 0],
    ]);
    expect(capped.events.find((event) => event.seq === 1_001)?.witness).toBe(true);
    expect(JSON.stringify(capped).length).toBeLessThan(100_000);
  });

  it('caps drawn runs and passing rows', () => {
    const many = [
      failingRun(),
      { ...failingRun(), name: 'second' },
      ...[1, 2, 3].map((seed) => ({ ...campaign()[0]!, name: `p${seed}` })),
    ];
    const small = buildReportModel(many, buildSummary(many), { detailedRunsMax: 1, passingRowsMax: 2 });
    expect(small.runs).toHaveLength(1);
    expect(small.runsOmitted).toBe(1);
    expect(small.rows).toHaveLength(4);
    expect(small.rowsOmitted).toBe(1);
  });
});
