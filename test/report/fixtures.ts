/**
 * Hand-built RunResults for the report tests: a small trace with two devices, requests,
 * a dropped response, a 409, a kill and restart, a duplicate delivery, a timeout, the heal
 * phase and a final state; plus passing, erroring and missing-expectation runs. Hostile
 * strings sit in every slot a user controls.
 */
import { Trace } from '../../src/kernel/trace.ts';
import type { RunResult, RunStats } from '../../src/sim/result.ts';

/** Strings that would run script or break markup if a report forgot to escape them. */
export const HOSTILE = {
  script: `<script>window.__pwned='script';alert(1)</script>`,
  img: `"'><img src=x onerror="window.__pwned='img';alert(2)">`,
  close: `</script><script>window.__pwned='close'</script><!--`,
  mermaid: 'a;b#c:d%%e```f]]>g&amp;h{i}"j',
  newline: 'line one\nline two --> Server: hi',
  svg: `<svg onload="window.__pwned='svg'"></svg>`,
} as const;

export const RUN_NAME = `seed-7 ${HOSTILE.script}`;
export const DEVICE_A = 'alice';
export const DEVICE_B = `bob ${HOSTILE.svg}`;
export const CLIENT = `mutant:${HOSTILE.img}`;
export const PROFILE = `"storm" & 'hail' ${HOSTILE.close}`;
export const REPRO_PATH = `reports/r1/repro/it's ${HOSTILE.img}.json`;
export const MESSAGE = `device ${DEVICE_B} lost ${HOSTILE.script} ${HOSTILE.newline}`;

export function stats(overrides: Partial<RunStats> = {}): RunStats {
  return {
    devices: 2,
    events: 100,
    exchanges: 6,
    requestBytes: 600,
    responseBytes: 900,
    opsApplied: 1,
    conflicts: 1,
    kills: 0,
    virtualMs: 100,
    convergeMs: 20,
    wallMs: 15,
    traceEvents: 25,
    ...overrides,
  };
}

/** The failing run's trace and its hash, recorded through the real Trace class. */
export function failingTrace(): { trace: Trace; witnesses: { kill: number; final: number; update: number } } {
  let now = 0;
  const trace = new Trace({ now: () => now });
  const at = (t: number, type: string, data: Record<string, unknown> = {}) => {
    now = t;
    return trace.record(type, data).seq;
  };
  const record = { collection: 'notes', id: 'n1' };
  at(0, 'sim.start', { seed: '7', client: CLIENT, profile: PROFILE, devices: [DEVICE_A, DEVICE_B] });
  at(0, 'sim.phase', { phase: 'chaos' });
  at(10, 'user.create', { device: DEVICE_A, ...record, fields: { title: HOSTILE.script } });
  at(12, 'net.send', { device: DEVICE_A, requestId: 'r1', method: 'POST', path: '/sync/ops', key: 'op1' });
  at(20, 'net.deliver', { device: DEVICE_A, requestId: 'r1', copy: 0 });
  at(20, 'server.apply', {
    device: DEVICE_A,
    opId: 'op1',
    ...record,
    kind: 'create',
    revBefore: null,
    revAfter: 1,
    deleted: false,
    fields: { title: HOSTILE.script },
  });
  at(20, 'net.respond', { device: DEVICE_A, requestId: 'r1', status: 201 });
  at(21, 'net.fault', { device: DEVICE_A, requestId: 'r1', fault: 'drop-response' });
  const update = at(30, 'user.update', {
    device: DEVICE_B,
    collection: HOSTILE.img,
    id: HOSTILE.close,
    patch: [{ op: 'set', field: 'body', value: HOSTILE.mermaid }],
  });
  at(31, 'net.send', { device: DEVICE_B, requestId: 'r2', method: 'POST', path: '/sync/ops' });
  at(40, 'server.reject', { device: DEVICE_B, status: 409, reason: HOSTILE.img });
  at(41, 'net.receive', { device: DEVICE_B, requestId: 'r2', status: 409 });
  at(42, 'client.conflict', { device: DEVICE_B, ...record });
  const kill = at(50, 'device.kill', { device: DEVICE_A, point: 'after-send' });
  at(60, 'device.restart', { device: DEVICE_A });
  at(61, 'net.send', { device: DEVICE_A, requestId: 'r3', method: 'POST', path: '/sync/ops', key: 'op1' });
  at(70, 'net.deliver', { device: DEVICE_A, requestId: 'r3', copy: 0 });
  at(70, 'net.deliver', { device: DEVICE_A, requestId: 'r3', copy: 1 });
  at(70, 'server.replay', { device: DEVICE_A, opId: 'op1', ...record });
  at(75, 'net.fail', { device: DEVICE_A, requestId: 'r3', code: 'timeout' });
  at(80, 'sim.phase', { phase: 'heal' });
  at(90, 'net.send', {
    device: DEVICE_B,
    requestId: 'r4',
    method: 'GET',
    path: `/sync/changes?cursor=${HOSTILE.newline}`,
  });
  at(95, 'server.changes', { device: DEVICE_B, mode: 'delta', records: [{ ...record, rev: 1, deleted: false }] });
  at(96, 'net.receive', { device: DEVICE_B, requestId: 'r4', status: 200 });
  at(100, 'sim.phase', { phase: 'check' });
  const final = at(100, 'sim.final', {
    server: [{ ...record, rev: 1, updatedAtServer: 20, deleted: false, fields: { title: HOSTILE.script } }],
    devices: {
      [DEVICE_A]: {
        records: [{ ...record, fields: { title: HOSTILE.script }, status: 'synced', rev: 1 }],
        pending: 0,
        conflicts: [],
      },
      [DEVICE_B]: {
        records: [{ ...record, fields: { title: HOSTILE.img }, status: 'pending', rev: null }],
        pending: 1,
        conflicts: [{ id: 'c1', collection: 'notes', recordId: 'n1', local: HOSTILE.img, remote: HOSTILE.script }],
      },
    },
  });
  return { trace, witnesses: { kill, final, update } };
}

export function failingRun(): RunResult {
  const { trace, witnesses } = failingTrace();
  return {
    name: RUN_NAME,
    seed: '7',
    client: CLIENT,
    profile: PROFILE,
    traceHash: trace.hash(),
    passed: false,
    violations: [
      {
        invariant: 'convergence',
        message: MESSAGE,
        events: [witnesses.kill, witnesses.final],
        device: DEVICE_B,
        recordId: `notes/${HOSTILE.close}`,
        expected: { title: HOSTILE.script },
        actual: { title: HOSTILE.img },
      },
      { invariant: 'no-silent-loss', message: HOSTILE.close, events: [witnesses.update] },
    ],
    declaredLosses: 0,
    expectedViolations: [],
    errors: [],
    stats: stats(),
    trace: trace.events(),
  };
}

export function passingRun(seed: number): RunResult {
  return {
    name: `seed-${seed}`,
    seed: String(seed),
    client: CLIENT,
    profile: PROFILE,
    traceHash: `hash-${seed}`,
    passed: true,
    violations: [],
    declaredLosses: 1,
    expectedViolations: [],
    errors: [],
    stats: stats({ wallMs: 10 + seed, convergeMs: 10 * seed }),
  };
}

export function erroringRun(): RunResult {
  return { ...passingRun(3), passed: false, errors: [`client threw ${HOSTILE.img}`], traceHash: 'hash-3' };
}

/** A scenario that expected a violation which did not happen. */
export function missingExpectationRun(): RunResult {
  return { ...passingRun(4), name: `expect ${HOSTILE.svg}`, passed: false, expectedViolations: ['no-duplicates'] };
}

/** Five runs: two pass, one fails with violations, one errors, one misses its expectation. */
export function campaign(): RunResult[] {
  return [passingRun(1), failingRun(), passingRun(2), erroringRun(), missingExpectationRun()];
}

export const REPROS = { [RUN_NAME]: { path: REPRO_PATH, steps: 7 } };
