/**
 * Goal: the page JSON built from each record version's cached wire text is byte for byte what
 * stringifying the page's wire records gives, and a new rev is never answered with the old
 * version's text.
 * version's text, and a page's byte length counted from its parts is its UTF-8 length.
 * Method: commit records (set fields, a tombstone, a moved-out stub) to a RecordStore, compare
 * wireJson and pageJson with JSON.stringify of toWire; commit a new rev and compare again;
 * compare the counted length with Buffer.byteLength, also after the body was replaced.
 */
import { describe, expect, test } from 'vitest';
import { plainResponseBodyBytes } from '../../src/net/plain.ts';
import { pageJson, pageText } from '../../src/server/pages.ts';
import { textReply, toPlainResponse } from '../../src/server/responses.ts';
import { RecordStore, type StoredRecord, toWire } from '../../src/server/store.ts';
import { wireJson } from '../../src/server/wire-json.ts';

function store(): RecordStore {
  const records = new RecordStore();
  records.commit({
    collection: 'notes',
    id: 'a',
    rev: 1,
    updatedAtServer: 5,
    deleted: false,
    fields: { title: 'é "quoted" \u2028', tags: ['x', 'y'], n: 1.5, none: null },
  });
  records.commit({ collection: 'notes', id: 'b\ud800', rev: 1, updatedAtServer: 6, deleted: false, fields: {} });
  records.commit({ collection: 'notes', id: 'b\ud800', rev: 2, updatedAtServer: 7, deleted: true, fields: {} });
  return records;
}

describe('wire JSON', () => {
  test('a record version gives the text of its wire form, the same text every time', () => {
    const records = store();
    for (const record of records.all()) {
      expect(wireJson(record)).toBe(JSON.stringify(toWire(record)));
      expect(wireJson(record)).toBe(wireJson(record));
    }
    const movedOut = Object.freeze({ ...records.all()[0], fields: Object.freeze({}), movedOut: true as const });
    expect(wireJson(movedOut as StoredRecord)).toBe(JSON.stringify(toWire(movedOut as StoredRecord)));
    expect(JSON.parse(wireJson(movedOut as StoredRecord)).movedOut).toBe(true);
  });

  test('a new rev is a new text; the old version keeps its own', () => {
    const records = store();
    const first = records.get('notes', 'a') as StoredRecord;
    const before = wireJson(first);
    const second = records.commit({ ...toWire(first), rev: 2, updatedAtServer: 9, fields: { title: 'new' } });
    expect(wireJson(second)).toBe(JSON.stringify(toWire(second)));
    expect(JSON.parse(wireJson(second))).toMatchObject({ rev: 2, fields: { title: 'new' } });
    expect(wireJson(first)).toBe(before);
  });

  test('an unfrozen record is not remembered: a change to it shows', () => {
    const loose = { ...toWire(store().all()[0] as StoredRecord), seq: 1 } as StoredRecord & { rev: number };
    expect(JSON.parse(wireJson(loose)).rev).toBe(1);
    loose.rev = 2;
    expect(JSON.parse(wireJson(loose)).rev).toBe(2);
  });

  test('a page is what JSON.stringify makes of it, with and without since, empty or not', () => {
    const records = store().all();
    for (const list of [records, records.slice(0, 1), []])
      for (const hasMore of [true, false]) {
        const changes = list.map(toWire);
        expect(pageJson(list, 'c"1', hasMore)).toBe(JSON.stringify({ changes, next: 'c"1', hasMore }));
        expect(pageJson(list, '', hasMore, 's:2')).toBe(JSON.stringify({ changes, next: '', hasMore, since: 's:2' }));
      }
  });

  test('a text reply sends its text and reads back as its body', () => {
    const reply = textReply(200, pageJson(store().all(), 'n', false));
    expect(toPlainResponse(reply).body).toBe(reply.text);
    expect(reply.body).toEqual({ changes: store().all().map(toWire), next: 'n', hasMore: false });
  });

  test('a page counts its UTF-8 bytes from its parts, and its answer carries them while its body is that page', () => {
    const records = store().all();
    for (const list of [records, records.slice(1), []])
      for (const since of [undefined, 'é:\u2028']) {
        const page = pageText(list, 'n"é', list.length > 1, since);
        expect(page.text).toBe(pageJson(list, 'n"é', list.length > 1, since));
        expect(page.bytes).toBe(Buffer.byteLength(page.text));
        const answer = toPlainResponse(textReply(200, page.text, page.bytes));
        expect(plainResponseBodyBytes(answer)).toBe(page.bytes);
      }
    const answer = toPlainResponse(textReply(200, pageJson(records, 'n', false), 1));
    // Counted as 1 by its maker: believed while the body is that text, measured once it is not.
    expect(plainResponseBodyBytes(answer)).toBe(1);
    answer.body = '"é"';
    expect(plainResponseBodyBytes(answer)).toBe(4);
  });
});
