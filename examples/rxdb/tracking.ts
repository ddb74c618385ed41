/**
 * @module examples/rxdb/tracking
 * What the adapter must remember beside RxDB, in the kit's SQLite shims (so it survives
 * kills): per document, the newest server revision a push answer (or a 409) told the
 * adapter about and the content the server holds at that revision, and
 * which documents the app wrote. RxDB keeps its outbox implicit (the fork's state against
 * the assumed master state, inside its meta storage) and offers no pending count or
 * per-record status, so the adapter derives both: a document the app wrote is pending
 * while its content differs from the content last confirmed by the server.
 */

import type Database from 'better-sqlite3';
import { KeyValueStorage, stableJson } from '../../src/index.ts';
import { contentOf, type DeletableDoc } from './schema.ts';

export interface Confirmed {
  /** The server revision. */
  rev: number;
  /** `stableJson(contentOf(doc))` of the server's state at that revision. */
  content: string;
  /** Earlier confirmed states, newest first (bounded): RxDB may still assume one of them. */
  earlier?: { rev: number; content: string }[];
}

/** Bound on the earlier states kept per document. */
const EARLIER_STATES_MAX = 16;

export class Tracking {
  private readonly confirmed: KeyValueStorage;
  private readonly pulled: KeyValueStorage;
  private readonly written: KeyValueStorage;

  constructor(db: Database.Database) {
    this.confirmed = new KeyValueStorage(db, { table: 'rxdb_adapter_confirmed' });
    this.pulled = new KeyValueStorage(db, { table: 'rxdb_adapter_pulled' });
    this.written = new KeyValueStorage(db, { table: 'rxdb_adapter_written' });
  }

  /**
   * Records the newest state a pull handed to RxDB. Only for telling whether a document
   * still holds what the server sent (RxDB may not have stored it yet, so it never
   * decides what to pull or push).
   */
  notePulled(doc: DeletableDoc): void {
    const held = this.pulled.getItem(doc.key);
    if (held !== null && (JSON.parse(held) as Confirmed).rev >= doc.rev) return;
    this.pulled.setItem(doc.key, JSON.stringify({ rev: doc.rev, content: stableJson(contentOf(doc)) }));
  }

  confirmedOf(key: string): Confirmed | undefined {
    const text = this.confirmed.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as Confirmed);
  }

  /** Records what the server holds at `rev`, unless the adapter already saw a newer revision. */
  confirm(key: string, doc: DeletableDoc): void {
    const held = this.confirmedOf(key);
    if (held !== undefined && held.rev > doc.rev) return;
    const earlier = held === undefined ? [] : [{ rev: held.rev, content: held.content }, ...(held.earlier ?? [])];
    const value: Confirmed = {
      rev: doc.rev,
      content: stableJson(contentOf(doc)),
      earlier: earlier.slice(0, EARLIER_STATES_MAX),
    };
    this.confirmed.setItem(key, JSON.stringify(value));
  }

  /** The newest server revision confirmed with exactly this content, if any. */
  revOfContent(key: string, content: string): number | undefined {
    const held = this.confirmedOf(key);
    if (held === undefined) return undefined;
    if (held.content === content) return held.rev;
    return held.earlier?.find((state) => state.content === content)?.rev;
  }

  /** The newest server revision known for the document. */
  knownRev(key: string): number {
    return this.confirmedOf(key)?.rev ?? 0;
  }

  markWritten(key: string): void {
    this.written.setItem(key, '1');
  }

  /** Keys the app wrote that may still be pending. */
  writtenKeys(): string[] {
    const keys: string[] = [];
    for (let i = 0; i < this.written.length; i++) keys.push(this.written.key(i) as string);
    return keys;
  }

  /** Whether the document's content is what the server last confirmed; forgets the write when it is. */
  settled(key: string, doc: DeletableDoc | undefined): boolean {
    const content = doc === undefined ? undefined : stableJson(contentOf(doc));
    const confirmed = this.confirmedOf(key);
    const pulledText = this.pulled.getItem(key);
    const pulled = pulledText === null ? undefined : (JSON.parse(pulledText) as Confirmed);
    // A record created and deleted before the server saw it was never anything to push.
    const neverSent = confirmed === undefined && pulled === undefined && (doc === undefined || doc._deleted);
    const asPushed = confirmed !== undefined && confirmed.content === content;
    const asPulled = pulled !== undefined && doc !== undefined && pulled.rev === doc.rev && pulled.content === content;
    const same = neverSent || asPushed || asPulled;
    if (same) this.written.removeItem(key);
    return same;
  }
}
