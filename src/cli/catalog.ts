/**
 * @module cli/catalog
 * One-line descriptions of every fault a scenario can script, for `syncstorm list faults`.
 * The names are the ones scenario files use; tests check the lists match the schema.
 */
import type { FaultType } from '../net/index.ts';
import type { ServerFaultType } from '../server/index.ts';

export const NETWORK_FAULTS: Readonly<Record<FaultType, string>> = {
  pass: 'no fault (a rule that only counts matching requests)',
  delay: 'extra delay on the request or response leg (ms, leg)',
  'drop-request': 'the request never reaches the server; the client times out',
  'drop-response': 'the server applies the request, the answer is lost; the client times out',
  duplicate: 'the server receives the request twice (delayMs apart)',
  reset: 'the server handles the request, then the connection is reset (ECONNRESET)',
  status: 'a gateway answers with this status (and headers, body); the server is never reached',
};

export const SERVER_FAULTS: Readonly<Record<ServerFaultType, string>> = {
  slow: 'the server holds the answer for ms, then handles the request',
  'token-expired': 'the bearer token has expired: 401 until the client refreshes',
  '412': 'precondition failed',
  '429': 'rate limited, with Retry-After (retryAfterS)',
  '500': 'internal server error',
  '503': 'unavailable, optionally with Retry-After (retryAfterS)',
  'concurrent-write': 'a server-side automation writes the same record just before the op',
  'spurious-409': 'a conflict answer although the record did not change',
  'changes-out-of-order': 'the changes of one page are handed out in a shuffled order',
  'short-page': 'a page holds fewer changes than asked (limit), with hasMore set',
  'overlapping-page': 'a change of the previous page is repeated on the next one',
  'write-between-pages': 'a write lands between two page fetches',
  'checkpoint-tie': "a change gets the previous page's last updatedAtServer (checkpoint paging ties)",
  'stale-delta': "a lagging replica's late delta: an older version of a record comes after the page's changes",
  'cursor-expired': 'the server forgets this /changes cursor and older ones (retention): 410 resync-required',
  compaction: 'the change log is compacted: its tombstones are purged, every older cursor gets 410 resync-required',
  'write-after-apply': "a server write lands on the record after the op applied, before the op's answer leaves",
};

export const DEVICE_FAULTS: Readonly<Record<string, string>> = {
  offline: 'the OS reports offline; every request fails at once (online ends it)',
  partition: 'the server is unreachable (both, outbound or inbound) while the OS says online (repair ends it)',
  background: 'the app goes to the background (foreground ends it)',
  kill: "the app is killed, at once or at a named crash point ('*': the next one); restart starts it again",
  skew: "the device's wall clock is off by ms",
};

export const LINK_FAULTS: Readonly<Record<string, string>> = {
  latency: 'one-way delay of each leg, latencyMs ± jitterMs (per profile, per device)',
  loss: 'requests and responses lost at random (flaky, hostile)',
  duplicates: 'requests delivered twice at random (flaky, hostile)',
  resets: 'connections reset at random (flaky, hostile)',
  reorder: 'responses held back at random so later ones overtake them (flaky, hostile)',
};
