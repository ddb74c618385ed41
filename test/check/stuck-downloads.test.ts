/**
 * Goal: liveness names a device whose downloads stay blocked: a live change the server held
 * when heal began, never handed to the device, and no page (not even an empty one) handed
 * to it during heal. Method: hand-made histories; the device knows the collection from a
 * view, another device writes, and heal hands out pages (or not).
 */
import { describe, expect, it } from 'vitest';
import { stuckDownloads } from '../../src/check/index.ts';
import { COLLECTION, TraceBuilder } from './builder.ts';

const FIELDS = { title: 'x' };

/** d2 creates r1 (and d1 shows r0) before heal; `inHeal` adds events to the heal phase. */
function world(
  options: {
    deleted?: boolean;
    before?: (b: TraceBuilder) => void;
    inHeal?: (b: TraceBuilder) => void;
    after?: (b: TraceBuilder) => void;
  } = {},
) {
  const b = new TraceBuilder();
  options.before?.(b);
  b.at(0).view('d1', 'step', [{ id: 'r0', collection: COLLECTION, fields: FIELDS, status: 'synced', rev: 1 }]);
  const applied = b.at(10).apply({ device: 'd2', opId: 'o1', id: 'r1', revAfter: 1, fields: FIELDS });
  if (options.deleted) b.at(11).apply({ device: 'd2', opId: 'o2', id: 'r1', revAfter: 2, deleted: true, fields: {} });
  // d1 pulled once before heal, when it had nothing to get (a history with no page is not judged).
  b.at(5).event('server.changes', { device: 'd1', mode: 'cursor', records: [] });
  const heal = b.at(20).event('sim.phase', { phase: 'heal' });
  options.inHeal?.(b);
  const quiet = b.at(30).event('sim.quiet', { ms: 60_000 });
  options.after?.(b);
  return { history: b.build(), applied, heal, quiet };
}

function page(records: { id: string; rev: number }[]) {
  return (b: TraceBuilder) =>
    b.at(25).event('server.changes', {
      device: 'd1',
      mode: 'cursor',
      records: records.map((record) => ({ collection: COLLECTION, deleted: false, ...record })),
    });
}

describe('stuck downloads (liveness)', () => {
  it('names a device that got no page through heal while a change waited for it', () => {
    const { history, applied, heal, quiet } = world();
    expect(stuckDownloads(history)).toEqual([
      expect.objectContaining({ invariant: 'liveness', device: 'd1', events: [applied, heal, quiet] }),
    ]);
  });

  it('passes a device handed the change, or an empty page, during heal', () => {
    expect(stuckDownloads(world({ inHeal: page([{ id: 'r1', rev: 1 }]) }).history)).toEqual([]);
    expect(stuckDownloads(world({ inHeal: page([]) }).history)).toEqual([]);
  });

  // An empty page settles a device before its other pages are looked at: only one inside
  // the heal phase does (world's empty page at seq 5 is before it).
  it('still names a device whose only empty page came after heal ended', () => {
    const late = (b: TraceBuilder) => b.at(40).event('server.changes', { device: 'd1', mode: 'cursor', records: [] });
    const { history } = world({ after: late });
    expect(stuckDownloads(history)).toEqual([expect.objectContaining({ device: 'd1' })]);
  });

  it('still names a device whose heal pages only repeat what it had', () => {
    const repeat = page([{ id: 'r0', rev: 1 }]);
    const { history } = world({ before: repeat, inHeal: repeat });
    expect(stuckDownloads(history)).toEqual([expect.objectContaining({ device: 'd1' })]);
  });

  it('ignores a record that is deleted (a purged tombstone is no download)', () => {
    expect(stuckDownloads(world({ deleted: true }).history)).toEqual([]);
  });

  it('passes a device whose final view shows the change', () => {
    const shown = world({
      inHeal: (b) =>
        b.view('d1', 'final', [{ id: 'r1', collection: COLLECTION, fields: FIELDS, status: 'synced', rev: 1 }]),
    });
    expect(stuckDownloads(shown.history)).toEqual([]);
  });

  it("judges a further app instance's downloads on its device, not on the instance", () => {
    const pages = page([{ id: 'r1', rev: 1 }]);
    const { history } = world({
      before: (b) => {
        b.at(1).event('device.start', { device: 'd1#2', incarnation: 0, of: 'd1', instance: 2 });
        b.at(2).view('d1#2', 'step', [{ id: 'r0', collection: COLLECTION, fields: FIELDS, status: 'synced', rev: 1 }]);
        b.at(5).event('server.changes', { device: 'd1#2', mode: 'cursor', records: [] });
      },
      inHeal: pages,
    });
    expect(stuckDownloads(history)).toEqual([]);
  });
});
