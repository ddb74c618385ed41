/**
 * @module sim/campaign-pool
 * Campaign workers that stay warm. Starting a worker costs about two CPU seconds (Node, the
 * tsx loader, every module, JIT warm-up), which used to be paid by every campaign: each
 * slice of a time-limited fuzz, each mutant of the benchmark. Workers are lent out here and
 * given back when a campaign ends; an idle worker does not keep the process alive (it is
 * unref'd) and stops by itself when this process ends (child-side's disconnect).
 *
 * Isolation is the supervisor's, unchanged: a worker whose client exited, crashed, hung or
 * ran out of memory is replaced before its next task, whichever campaign that belongs to.
 * A seed's result depends only on its task, never on which worker ran it or what ran
 * before in it (test/sim/campaign-pool.test.ts). Workers are kept apart by what they were
 * started with (heap size, SYNCSTORM_* environment), so a campaign never gets a worker
 * started under other settings.
 */
import { siblingModule } from '../kernel/sibling-module.ts';
import { SupervisedChild } from './supervisor.ts';

const workerPath = siblingModule(import.meta.url, './campaign-worker');

/** Idle workers kept in all (each holds a heap): beyond it a returned worker is stopped. */
const IDLE_WORKERS_MAX = 8;

const idle = new Map<string, SupervisedChild[]>();

/** What a worker was started with: workers of one kind are interchangeable. */
function kindOf(heapMb: number | undefined): string {
  const settings = Object.entries(process.env)
    .filter(([name]) => name.startsWith('SYNCSTORM_'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([heapMb ?? null, settings]);
}

export interface LentWorker {
  worker: SupervisedChild;
  kind: string;
}

/** A warm worker if one is idle, else a new one (it starts on its first task). */
export function borrowWorker(heapMb: number | undefined): LentWorker {
  const kind = kindOf(heapMb);
  const worker =
    idle.get(kind)?.pop() ?? new SupervisedChild({ workerPath, ...(heapMb !== undefined ? { heapMb } : {}) });
  return { worker, kind };
}

/** Takes a worker back; it idles without keeping this process alive. */
export function returnWorker(lent: LentWorker): void {
  const workers = idle.get(lent.kind) ?? [];
  const idleCount = [...idle.values()].reduce((total, kind) => total + kind.length, 0);
  if (!lent.worker.up || idleCount >= IDLE_WORKERS_MAX) {
    lent.worker.close();
    return;
  }
  lent.worker.hold(false);
  workers.push(lent.worker);
  idle.set(lent.kind, workers);
}

/** Stops every idle worker (tests; a command that wants its children gone now). */
export function closeIdleWorkers(): void {
  for (const workers of idle.values()) for (const worker of workers) worker.close();
  idle.clear();
}

/** Process ids of the idle workers (a benchmark reads their CPU time). */
export function idleWorkerPids(): number[] {
  return [...idle.values()].flatMap((workers) => workers.flatMap((worker) => worker.pid ?? []));
}
