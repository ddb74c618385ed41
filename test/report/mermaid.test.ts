/**
 * Goal: the Mermaid diagram of a failing run has the devices and the server as participants,
 * arrows for requests and answers, the witnesses highlighted, nothing Mermaid chokes on, and
 * a bounded length on a big trace. Method: render the fixture run and a 5,000-event run and
 * check every line against the statement forms the renderer may emit.
 */
import { describe, expect, it } from 'vitest';
import { Trace } from '../../src/kernel/trace.ts';
import { renderMermaid } from '../../src/report/mermaid.ts';
import { failingRun, passingRun, REPROS } from './fixtures.ts';

/** Every line the renderer may write, with text only after the first `: ` or the keyword. */
const STATEMENT =
  /^(sequenceDiagram| {2}title .+| {2}%% .+| {2}participant (D\d+|S) as .+|\s*Note over (D\d+|S)(,(D\d+|S))?: .+| {2}rect rgb\(\d+, \d+, \d+\)| {2}end|\s*(D\d+|S)(->>|-->>|--x|-\))(D\d+|S): .+)$/;

function checkLines(diagram: string): string[] {
  const lines = diagram.trimEnd().split('\n');
  for (const line of lines) {
    expect(line).toMatch(STATEMENT);
    const text = line.replace(/^\s*(D\d+|S)(->>|-->>|--x|-\))(D\d+|S): /, '').replace(/#\d+;/g, '');
    expect(text).not.toMatch(/[#;"'<>`{}\r]/);
    expect(text.replace(/^ {2}%% /, '')).not.toContain('%%');
  }
  return lines;
}

describe('renderMermaid', () => {
  const diagram = renderMermaid(failingRun(), { repros: REPROS });
  const lines = checkLines(diagram);

  it('declares the devices and the server', () => {
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  participant D1 as alice');
    expect(lines.find((line) => line.startsWith('  participant D2 as bob #60;svg'))).toBeDefined();
    expect(lines.filter((line) => line.includes('participant'))).toHaveLength(3);
    expect(lines[lines.length - 4]).not.toContain('participant');
  });

  it('draws requests and answers with status and fault', () => {
    expect(lines).toContain('  D1->>S: POST /sync/ops (r1)');
    expect(lines).toContain('  S--xD2: 409 (r2)');
    expect(lines).toContain('  S-->>D2: 200 (r4)');
    expect(lines).toContain('  S--xD1: fail timeout (r3)');
    expect(lines).toContain('  D1-)S: duplicate #35;1 (r3)');
    expect(lines).toContain('  Note over D1,S: fault drop-response (r1)');
    expect(lines).toContain('  Note over D1: restart');
  });

  it('highlights the witnesses and states the violations', () => {
    const rects = lines.flatMap((line, index) => (line.startsWith('  rect') ? [lines[index + 1]!] : []));
    expect(rects).toContain('    Note over D1: [seq 13] KILL at after-send');
    expect(rects.some((line) => line.startsWith('    Note over D2: [seq 8] update'))).toBe(true);
    expect(rects).toContain('    Note over S: [seq 25] final state');
    expect(lines.filter((line) => line.includes('VIOLATION'))).toHaveLength(2);
    expect(lines.filter((line) => line === '  end')).toHaveLength(
      lines.filter((line) => line.startsWith('  rect')).length,
    );
  });

  it('leaves minor events out', () => {
    expect(diagram).not.toContain('respond');
    expect(diagram).not.toContain('changes delta');
  });

  it('stays bounded on a big trace and keeps the witness with what led to it', () => {
    let now = 0;
    const trace = new Trace({ now: () => now });
    for (let index = 0; index < 5_000; index += 1) {
      now = index;
      trace.record('net.send', { device: `d${index % 3}`, requestId: `r${index}`, method: 'POST', path: '/sync/ops' });
    }
    const run = {
      ...failingRun(),
      trace: trace.events(),
      violations: [{ invariant: 'liveness', message: 'stuck', events: [2_500] }],
    };
    const big = checkLines(renderMermaid(run, { eventsMax: 40 }));
    expect(big.length).toBeLessThan(40 + 20);
    expect(big).toContain('    D2->>S: [seq 2500] POST /sync/ops (r2500)');
    expect(big.some((line) => line.includes('r2480)'))).toBe(true);
    expect(big.some((line) => / \d+ events omitted$/.test(line))).toBe(true);
  });

  it('says so when the trace was not kept', () => {
    const lines = checkLines(renderMermaid({ ...passingRun(1), passed: false, expectedViolations: ['liveness'] }));
    expect(lines.some((line) => line.includes('trace not kept'))).toBe(true);
    expect(lines.some((line) => line.includes('EXPECTED VIOLATION MISSING liveness'))).toBe(true);
  });
});
