/**
 * @module server/cursors
 * The three page positions and their string forms (docs/protocol.md, "Cursors"):
 * - a changes cursor `c<seq>`: opaque to clients, the server-wide change sequence;
 * - a checkpoint `<updatedAtServer>:<collection>:<id>`: documented, so that clients that
 *   build their own checkpoint from the last record they saw (RxDB-style) can;
 * - a snapshot cursor `s<startSeq>.<offset>`: opaque, the change sequence when the snapshot
 *   started and a position in creation order.
 * Decoding returns undefined for anything malformed; the caller answers 400 `bad-cursor`.
 */
import type { CheckpointKey, StoredRecord } from './store.ts';

const SEQ_CURSOR = /^c(0|[1-9]\d{0,15})$/;
const CHECKPOINT = /^(0|[1-9]\d{0,15}):([a-z][a-z0-9_-]{0,63}):([\x21-\x7e]{1,128})$/;
const SNAPSHOT_CURSOR = /^s(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})$/;

export interface SnapshotPosition {
  startSeq: number;
  offset: number;
}

export function encodeSeqCursor(seq: number): string {
  return `c${seq}`;
}

/** The sequence a `since` value stands for; empty means the beginning (0). */
export function decodeSeqCursor(text: string, lastSeq: number): number | undefined {
  if (text === '') return 0;
  const match = SEQ_CURSOR.exec(text);
  if (match === null) return undefined;
  const seq = Number(match[1]);
  return seq <= lastSeq ? seq : undefined;
}

export function encodeCheckpoint(record: CheckpointKey): string {
  return `${record.updatedAtServer}:${record.collection}:${record.id}`;
}

/** The position a `checkpoint` value stands for; empty means the beginning (null). */
export function decodeCheckpoint(text: string): CheckpointKey | null | undefined {
  if (text === '') return null;
  const match = CHECKPOINT.exec(text);
  if (match === null) return undefined;
  const updatedAtServer = Number(match[1]);
  if (!Number.isSafeInteger(updatedAtServer)) return undefined;
  return { updatedAtServer, collection: match[2] as string, id: match[3] as string };
}

export function encodeSnapshotCursor(position: SnapshotPosition): string {
  return `s${position.startSeq}.${position.offset}`;
}

/** A snapshot position; an empty cursor starts a new snapshot at the current sequence. */
export function decodeSnapshotCursor(text: string, lastSeq: number, count: number): SnapshotPosition | undefined {
  if (text === '') return { startSeq: lastSeq, offset: 0 };
  const match = SNAPSHOT_CURSOR.exec(text);
  if (match === null) return undefined;
  const startSeq = Number(match[1]);
  const offset = Number(match[2]);
  return startSeq <= lastSeq && offset <= count ? { startSeq, offset } : undefined;
}

/** The cursor that resumes right after `record` in sequence order. */
export function cursorAfter(record: StoredRecord): string {
  return encodeSeqCursor(record.seq);
}
