/**
 * @module realnet/conform/promise
 * What a conform check is: one named promise of the reference protocol, checked over real
 * HTTP; it returns what it saw when the promise held and throws `PromiseBroken` with what
 * went wrong when it did not.
 */
import type { ConformPromiseName } from '../server-mutants/index.ts';
import type { ConformSession } from './session.ts';

export type { ConformPromiseName };

export interface ConformPromise {
  readonly name: ConformPromiseName;
  /** The promise, in one sentence. */
  readonly statement: string;
  /** Resolves with a line on what held; throws PromiseBroken when the promise was broken. */
  check(session: ConformSession): Promise<string>;
}

export class PromiseBroken extends Error {
  override name = 'PromiseBroken';
}

/** Throws PromiseBroken(`message`) unless `condition`. */
export function expectThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new PromiseBroken(message);
}

/** An answer's status and reason, for messages. */
export function shown(answer: { status: number; body: unknown }): string {
  const reason = (answer.body as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? `${answer.status} ${reason}` : String(answer.status);
}
