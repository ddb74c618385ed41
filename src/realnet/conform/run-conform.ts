/**
 * @module realnet/conform/run-conform
 * `syncstorm conform <base-url>`: checks, over real HTTP, the promises a server that claims
 * the reference protocol must keep, each by name. A URL that is not http(s), or a server
 * that cannot be reached or gives no token, is bad input (UsageError: exit 2); a broken
 * promise is a result (exit 1).
 */
import { UsageError } from '../../kernel/errors.ts';
import { type ConformPromise, type ConformPromiseName, PromiseBroken } from './promise.ts';
import { clientsConverge } from './promises/clients-converge.ts';
import { completePaging } from './promises/complete-paging.ts';
import { keyReuse422 } from './promises/key-reuse-422.ts';
import { oneApplyPerKey } from './promises/one-apply-per-key.ts';
import { staleBaseRev409 } from './promises/stale-base-rev-409.ts';
import { tombstonesInDeltas } from './promises/tombstones.ts';
import { ConformSession, ConformUnreachable } from './session.ts';

export const CONFORM_PROMISES: readonly ConformPromise[] = Object.freeze([
  oneApplyPerKey,
  keyReuse422,
  staleBaseRev409,
  completePaging,
  tombstonesInDeltas,
  clientsConverge,
]);

export interface ConformOptions {
  /** Collection the probes write (the server must accept it). Default 'notes'. */
  collection?: string;
  /** Only these promises. */
  only?: readonly ConformPromiseName[];
}

export interface PromiseResult {
  promise: ConformPromiseName;
  statement: string;
  passed: boolean;
  detail: string;
  ms: number;
}

export interface ConformReport {
  baseUrl: string;
  deviceId: string;
  passed: boolean;
  results: PromiseResult[];
}

export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL. Give the server's base URL, e.g. http://127.0.0.1:8787.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`'${text}' is not an http(s) URL. Give the server's base URL, e.g. http://127.0.0.1:8787.`);
  }
  return url.href.replace(/\/$/, '');
}

async function open(baseUrl: string, collection: string): Promise<ConformSession> {
  const session = new ConformSession(baseUrl, collection);
  try {
    const answer = await session.refresh();
    if (answer.status !== 200) {
      throw new UsageError(
        `${baseUrl} does not speak the reference protocol: POST /auth/refresh answered ${answer.status}, expected 200 with a token.`,
      );
    }
    await session.advance();
  } catch (error) {
    if (error instanceof ConformUnreachable)
      throw new UsageError(`Cannot reach ${baseUrl}: ${error.message}. Is the server running?`);
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${baseUrl} does not speak the reference protocol: ${(error as Error).message}.`);
  }
  return session;
}

async function runOne(promise: ConformPromise, session: ConformSession): Promise<PromiseResult> {
  const started = performance.now();
  const base = { promise: promise.name, statement: promise.statement };
  try {
    await session.advance();
    const detail = await promise.check(session);
    return { ...base, passed: true, detail, ms: performance.now() - started };
  } catch (error) {
    const detail = error instanceof PromiseBroken ? error.message : `could not be checked: ${(error as Error).message}`;
    return { ...base, passed: false, detail, ms: performance.now() - started };
  }
}

export async function runConform(baseUrlText: string, options: ConformOptions = {}): Promise<ConformReport> {
  const baseUrl = parseBaseUrl(baseUrlText);
  const session = await open(baseUrl, options.collection ?? 'notes');
  const results: PromiseResult[] = [];
  for (const promise of CONFORM_PROMISES) {
    if (options.only !== undefined && !options.only.includes(promise.name)) continue;
    results.push(await runOne(promise, session));
  }
  return { baseUrl, deviceId: session.deviceId, passed: results.every((result) => result.passed), results };
}
