/**
 * Goal: status-honesty finds the same whether the views share record objects or not. It
 * keeps, per record object, the server apply found to hold its fields (across devices) and
 * the objects a device already showed honestly; a history whose views each hold their own
 * copies takes none of those short cuts, so it is the plain walk to compare with.
 * Method: drawn histories of three devices whose views are drawn from a pool of frozen
 * records (synced, pending or error; right, wrong or unknown revs; fields equal to the
 * server's or not), with drawn applies, requests, answers and user writes in between;
 * compare checkStatusHonesty on the history with it on a copy whose views copy each record.
 */
import { describe, expect, it } from 'vitest';
import { buildHistory } from '../../src/check/history.ts';
import { checkStatusHonesty } from '../../src/check/index.ts';
import type { LocalRecord, RecordStatus } from '../../src/client/contract.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { local, TraceBuilder } from './builder.ts';

const STATUSES: RecordStatus[] = ['synced', 'synced', 'synced', 'pending', 'error'];

describe('status-honesty, views sharing record objects', () => {
  it('finds what a walk of copied records finds, for drawn histories', () => {
    const rng = new Rng('status-honesty-shared');
    let found = 0;
    for (let round = 0; round < 200; round++) {
      const b = new TraceBuilder();
      const pool = Array.from({ length: 8 }, (_, index) => {
        const id = `r${index % 4}`;
        const rev = rng.next() < 0.1 ? null : rng.int(1, 3);
        const fields = { title: `${id}.v${rng.int(1, 3)}` };
        return Object.freeze(local(id, fields, rev, STATUSES[rng.int(0, STATUSES.length - 1)]));
      });
      const devices = ['d1', 'd2', 'd3'];
      let request = 0;
      // The builder copies each event's data: the views get the pool's objects back below.
      const shown = new Map<number, LocalRecord[]>();
      for (let step = 0; step < 30; step++) {
        b.at(step);
        const device = devices[rng.int(0, 2)]!;
        const draw = rng.next();
        if (draw < 0.2) {
          const id = `r${rng.int(0, 3)}`;
          const rev = rng.int(1, 3);
          b.apply({ device, opId: `o${step}`, id, revAfter: rev, fields: { title: `${id}.v${rev}` } });
        } else if (draw < 0.3) b.send(device, `q${++request}`, '/ops');
        else if (draw < 0.4) b.receive(device, `q${request}`, 200);
        else if (draw < 0.45)
          b.update(device, `r${rng.int(0, 3)}`, [{ op: 'set', field: 'title', value: `w${step}` }], null);
        else {
          const records: LocalRecord[] = pool.filter(() => rng.next() < 0.5);
          shown.set(b.view(device, 'step', records, rng.next() < 0.3 ? 0 : 1), records);
        }
      }
      // Record statuses are judged only in a run that got to its end.
      b.at(30).final([], {});
      const trace = b.trace().map((event) => {
        const records = shown.get(event.seq);
        return records === undefined ? event : { ...event, records };
      });
      const copied = trace.map((event) =>
        event.type === 'device.view'
          ? { ...event, records: (event.records as LocalRecord[]).map((record) => ({ ...record })) }
          : event,
      );
      const plain = checkStatusHonesty(buildHistory(copied));
      expect(checkStatusHonesty(buildHistory(trace))).toEqual(plain);
      found += plain.length;
    }
    expect(found).toBeGreaterThan(40);
  });
});
