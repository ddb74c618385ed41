/**
 * Goal: classification reads the trace vocabulary (docs/invariants.md, src/check/history.ts) and
 * never throws on shapes it does not know. Method: classify one event of each family, then
 * malformed and unknown ones, and check lane, kind, label and visibility.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { classify, devicesOf } from '../../src/report/events.ts';

const at = (type: string, fields: Record<string, unknown> = {}): TraceEvent => ({ seq: 1, t: 5, type, ...fields });

describe('classify', () => {
  it('reads user, device, net and server events', () => {
    const resolve = classify(
      at('user.resolve', {
        device: 'A',
        conflict: { collection: 'notes', recordId: 'n1', field: 'title' },
        resolution: { choice: 'keep-local' },
      }),
    );
    expect(resolve).toMatchObject({
      device: 'A',
      kind: 'conflict',
      label: 'resolve notes/n1 field title keep-local',
      minor: false,
    });
    expect(classify(at('user.interrupted', { device: 'A', action: 'update', collection: 'c', id: 'i' }))).toMatchObject(
      { kind: 'failure', label: 'interrupted update c/i' },
    );
    expect(classify(at('user.call', { device: 'A', action: 'update' })).minor).toBe(true);
    expect(classify(at('user.call', { device: 'A', action: 'sync' })).minor).toBe(false);
    expect(classify(at('device.kill', { device: 'A', incarnation: 1, point: 'random' }))).toMatchObject({
      kind: 'kill',
      label: 'KILL at random',
    });
    expect(classify(at('device.view', { device: 'A', reason: 'step' })).minor).toBe(true);
    expect(classify(at('net.receive', { device: 'A', requestId: 'r1', status: 429, retryAfterMs: 500 }))).toMatchObject(
      {
        device: 'A',
        kind: 'response',
        status: 429,
        label: '429 (r1) retry after 500 ms',
      },
    );
    const apply = classify(
      at('server.apply', {
        device: 'server',
        opId: 'auto-1',
        collection: 'c',
        id: 'i',
        kind: 'update',
        revBefore: 1,
        revAfter: 2,
      }),
    );
    expect(apply).toMatchObject({ kind: 'server', label: 'apply update c/i rev 1→2 server' });
    expect(apply.device).toBeUndefined();
    expect(classify(at('server.apply', { device: 'B', collection: 'c', id: 'i' })).peer).toBe('B');
    expect(classify(at('sim.phase', { phase: 'heal' }))).toMatchObject({ kind: 'phase', label: 'phase heal' });
  });

  it('never throws on unknown or malformed events', () => {
    const odd = [
      at('mystery'),
      at('net.send', { device: 42, requestId: { nested: true } }),
      at('server.changes', { records: 'not a list' }),
      at('user.update', { device: 'A', patch: [1, 2, 3], collection: null }),
      at('user.resolve', { device: 'A', conflict: null }),
      at('client.whatever.deep', { device: 'A' }),
    ];
    for (const event of odd) expect(() => classify(event)).not.toThrow();
    expect(classify(at('mystery'))).toMatchObject({ kind: 'other', minor: true, label: 'mystery' });
    expect(classify(at('client.conflict-found', { device: 'A' }))).toMatchObject({ kind: 'conflict', minor: false });
  });

  it('lists devices from sim.start first, then in order of appearance, never the server', () => {
    const trace = [
      at('net.send', { device: 'Z' }),
      at('sim.start', { devices: ['A', 'B'] }),
      at('server.apply', { device: 'server' }),
    ];
    expect(devicesOf(trace)).toEqual(['A', 'B', 'Z']);
  });
});
