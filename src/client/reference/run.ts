/**
 * @module client/reference/run
 * One sync run: push, then pull, under the device's run lock (see client.ts). A failure
 * worth retrying sets a retry deadline (kept in storage, so a restart does not retry early)
 * and arms the retry timer; a run that gets through clears both. Instances of the app on one
 * device's storage take turns: a run starts only under the device-wide run lock
 * (`env.locks`), and an instance that finds another one syncing tries again shortly, so one
 * outbox is pushed by one run at a time.
 */
import type { SyncRunResult } from '../contract.ts';
import type { AutoSync, SyncTrigger } from './autosync.ts';
import type { RetryableFailure } from './backoff.ts';
import { type ClientContext, log } from './context.ts';
import { SYNC_LOCK } from './hooks.ts';
import { pull } from './pull.ts';
import { push } from './push.ts';

const NOT_BEFORE_KEY = 'retry_not_before';
const NOT_BEFORE_REASON_KEY = 'retry_reason';
/** How soon an instance that found another instance syncing tries again. */
export const OTHER_INSTANCE_RETRY_MS = 1_000;

/**
 * How long this run must still wait: every trigger (the retry timer, a queued run, the user)
 * honours the deadline, except a reconnect after a network failure (the network is back).
 */
function mustWait(ctx: ClientContext, trigger: SyncTrigger): number {
  const notBefore = Number(ctx.store.kvGet(NOT_BEFORE_KEY) ?? 0);
  const remaining = notBefore - ctx.env.clock.now();
  if (remaining <= 0) return 0;
  if (trigger === 'online' && ctx.store.kvGet(NOT_BEFORE_REASON_KEY) === 'network') return 0;
  return remaining;
}

function failed(ctx: ClientContext, auto: AutoSync, failure: RetryableFailure): string {
  ctx.state.failures++;
  const delayMs = Math.max(0, ctx.hooks.retryDelayMs(ctx, failure, ctx.state.failures));
  ctx.store.transaction(() => {
    ctx.store.kvSet(NOT_BEFORE_KEY, String(ctx.env.clock.now() + delayMs));
    ctx.store.kvSet(NOT_BEFORE_REASON_KEY, failure.kind);
  });
  log(ctx, 'backoff', { reason: failure.kind, delayMs, failures: ctx.state.failures });
  auto.retryAfter(delayMs);
  return failure.kind;
}

function succeeded(ctx: ClientContext): void {
  ctx.state.failures = 0;
  if (ctx.store.kvGet(NOT_BEFORE_KEY) === undefined) return;
  ctx.store.transaction(() => {
    ctx.store.kvDelete(NOT_BEFORE_KEY);
    ctx.store.kvDelete(NOT_BEFORE_REASON_KEY);
  });
}

export async function syncRun(ctx: ClientContext, auto: AutoSync, trigger: SyncTrigger): Promise<SyncRunResult> {
  const { state, store } = ctx;
  state.runs++;
  state.syncRunId = `${ctx.env.incarnation}.${state.runs}`;
  state.requests = 0;
  const waitMs = mustWait(ctx, trigger);
  if (waitMs > 0) {
    log(ctx, 'sync-skipped', { trigger, result: 'backoff', waitMs });
    auto.retryAfter(waitMs);
    state.syncRunId = undefined;
    return { pushed: 0, pulled: 0, pending: store.outboxSize(), error: 'backoff' };
  }
  if (!ctx.hooks.takeRunLock(ctx)) {
    log(ctx, 'sync-skipped', { trigger, result: 'other-instance', waitMs: OTHER_INSTANCE_RETRY_MS });
    auto.retryAfter(OTHER_INSTANCE_RETRY_MS);
    state.syncRunId = undefined;
    return { pushed: 0, pulled: 0, pending: store.outboxSize(), error: 'other-instance' };
  }
  try {
    return await lockedRun(ctx, auto, trigger);
  } finally {
    ctx.env.locks?.release(SYNC_LOCK);
  }
}

/** The run itself, under the run lock. */
async function lockedRun(ctx: ClientContext, auto: AutoSync, trigger: SyncTrigger): Promise<SyncRunResult> {
  const { state, store } = ctx;
  log(ctx, 'sync-start', { trigger, pending: store.outboxSize() });
  const pushed = await push(ctx);
  const pulled = pushed.stop === undefined ? await pull(ctx) : { pulled: 0 };
  const stop = pushed.stop ?? pulled.stop;
  const error = stop === undefined ? undefined : failed(ctx, auto, stop);
  if (stop === undefined) succeeded(ctx);
  if (stop === undefined && (pushed.bounded || pulled.bounded)) auto.continueSoon();
  const result: SyncRunResult = {
    pushed: pushed.pushed,
    pulled: pulled.pulled,
    pending: store.outboxSize(),
    ...(error === undefined ? {} : { error }),
  };
  log(ctx, 'sync-end', {
    result: error ?? 'ok',
    pushed: result.pushed,
    pulled: result.pulled,
    pending: result.pending,
  });
  state.syncRunId = undefined;
  return result;
}
