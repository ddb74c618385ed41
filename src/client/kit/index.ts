/**
 * @module client/kit
 * The adapter kit: what an adapter for an existing sync engine otherwise writes by hand.
 * - `createTransport`: the reference protocol over `env.fetch` (token and refresh on a 401,
 *   per-request timeouts in virtual time, push of an op, pull of a page), every answer a value;
 * - `OpLedger`: one Idempotency-Key per logical op, kept across retries and kills;
 * - `diffFields` / `patchedFields`: state to patch and patch to state, for state-based engines;
 * - `KeyValueStorage` (a localStorage) and `FileStore` (whole files) over `env.storage`.
 * It depends on no engine. docs/adapter-guide.md walks through the RxDB adapter built on it.
 */
export { type DiffOptions, diffFields, patchedFields } from './diff.ts';
export { FILE_LENGTH_MAX, FileStore } from './file-store.ts';
export {
  KEY_VALUE_ITEMS_MAX,
  KeyValueStorage,
  type KeyValueStorageOptions,
  type StorageLike,
} from './key-value-storage.ts';
export { changeKey, LEDGER_OPS_MAX, type LogicalChange, OpLedger, stableJson } from './op-ledger.ts';
export {
  createTransport,
  type Outcome,
  type PageOutcome,
  type PushOutcome,
  REQUEST_TIMEOUT_MS_DEFAULT,
  type TokenStore,
  type Transport,
  type TransportOptions,
  type TransportRequest,
} from './transport.ts';
