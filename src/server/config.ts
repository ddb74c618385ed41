/**
 * @module server/config
 * The reference server's knobs (`ServerConfig`, all with defaults) and the fixed bounds on
 * what one request may carry. Every bound has a name so that code and docs/protocol.md agree.
 */
import { assert } from '../kernel/assert.ts';

export interface ServerConfig {
  /** Collections the server accepts; any other collection name is a 400. */
  collections: string[];
  /** Lifetime of a token from `POST /auth/refresh`, in virtual ms. */
  tokenTtlMs: number;
  /** How long an applied op's answer is kept for replays of its Idempotency-Key, in virtual ms. */
  idempotencyRetentionMs: number;
  /** Largest page `GET /changes` and `GET /snapshot` hand out; a larger `limit` is clamped. */
  pageLimitMax: number;
  /** Largest request body accepted, in bytes; a larger one is a 400 `body-too-large`. */
  bodyLimitBytes: number;
  /** How long `GET /changes?live=true` holds an answer when nothing changes, in virtual ms. */
  longPollTimeoutMs: number;
}

export const DEFAULT_SERVER_CONFIG: Readonly<ServerConfig> = Object.freeze({
  collections: ['notes', 'tasks'],
  tokenTtlMs: 15 * 60 * 1000,
  idempotencyRetentionMs: 24 * 60 * 60 * 1000,
  pageLimitMax: 100,
  bodyLimitBytes: 64 * 1024,
  longPollTimeoutMs: 30 * 1000,
});

/** Fixed bounds on one request (documented in docs/protocol.md, "Limits"). */
export const LIMITS = Object.freeze({
  /** Ops in one `POST /sync/batch`. */
  batchOpsMax: 100,
  /** Operations in one patch. */
  patchOpsMax: 256,
  /** Fields one record may hold after a patch. */
  recordFieldsMax: 256,
  /** Members of one set field after a patch. */
  setMembersMax: 1024,
  /** Characters of one string value, set member, id or opId. */
  stringLengthMax: 4096,
  /** Characters of a record id or op id. */
  idLengthMax: 128,
});

/** A collection name: lower-case letter, then letters, digits, `_` or `-` (never `:`). */
export const COLLECTION_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** Merges `overrides` into the defaults and asserts the result is usable. */
export function resolveServerConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const config: ServerConfig = { ...DEFAULT_SERVER_CONFIG, ...overrides };
  config.collections = [...config.collections];
  assert(config.collections.length > 0, 'ServerConfig.collections must not be empty');
  for (const name of config.collections) {
    assert(COLLECTION_NAME.test(name), `ServerConfig.collections: '${name}' must match ${COLLECTION_NAME}`);
  }
  assert(new Set(config.collections).size === config.collections.length, 'ServerConfig.collections has duplicates');
  for (const key of ['tokenTtlMs', 'idempotencyRetentionMs', 'pageLimitMax', 'bodyLimitBytes'] as const) {
    assert(Number.isSafeInteger(config[key]) && config[key] > 0, `ServerConfig.${key} must be a positive integer`);
  }
  assert(
    Number.isSafeInteger(config.longPollTimeoutMs) && config.longPollTimeoutMs >= 0,
    'ServerConfig.longPollTimeoutMs must be a non-negative integer',
  );
  return config;
}
