/**
 * @module client/reference/crash-points
 * The named points where the simulator may kill the reference client (`env.crashPoint`),
 * each a window where a careless client loses or duplicates something.
 */
export const CRASH_POINTS = [
  /** The attempt is recorded, the request has not left. */
  'before-push',
  /** The server answered (applied or conflict), nothing is committed locally yet. */
  'after-push-before-commit',
  /** The answer is committed; the next op has not been looked at. */
  'after-push-commit',
  /** A page of changes arrived, nothing of it is applied yet. */
  'after-pull-before-apply',
  /** The page and its cursor are committed. */
  'after-pull-commit',
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];
