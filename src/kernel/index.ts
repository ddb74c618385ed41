/**
 * @module kernel
 * The deterministic floor: seeded randomness, virtual time, ids, the trace.
 */
export { AssertionError, assert } from './assert.ts';
export {
  abortError,
  type Clock,
  DeviceClock,
  type DeviceClockOptions,
  TIMERS_PER_DEVICE_MAX,
  type TimerId,
  VIRTUAL_EPOCH_MS,
} from './clock.ts';
export { isUsageError, USAGE_EXIT_CODE, UsageError } from './errors.ts';
export { BinaryHeap } from './heap.ts';
export { uuidV4, uuidV7 } from './ids.ts';
export { Incarnation } from './incarnation.ts';
export { Rng } from './rng.ts';
export { type EventHandle, type RunOptions, type RunResult, Scheduler, settle } from './scheduler.ts';
export { TRACE_EVENTS_MAX, Trace, type TraceEvent, type TraceOptions } from './trace.ts';
