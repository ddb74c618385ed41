/**
 * @module scenario/plan-worker
 * The child process the shrinker runs candidate plans in, one at a time, so that a
 * candidate that runs far too long (a client caught in a retry storm, or one that never
 * yields) can be stopped by killing the process. Started by plan-runner.ts with the tsx
 * loader; answers each task with the run's verdict, and with the whole result (trace
 * included when asked) for a scenario run.
 */
import { resolveClientOnce } from '../client/resolve.ts';
import { runSimulation } from '../sim/simulation.ts';
import type { PlanTask, PlanVerdict } from './plan-runner.ts';

// Load the client before the first task, so that no run's time limit pays for start-up.
const spec = process.argv[2];
if (spec !== undefined) {
  resolveClientOnce(spec).then(
    () => process.send?.({ ready: true }),
    (error: unknown) => process.send?.({ ready: false, error: error instanceof Error ? error.message : String(error) }),
  );
}

async function run(task: PlanTask): Promise<PlanVerdict> {
  const result = await runSimulation({
    seed: task.seed,
    plan: task.plan,
    client: await resolveClientOnce(task.clientSpec),
    ...(task.eventsMax !== undefined ? { runEventsMax: task.eventsMax } : {}),
    ...(task.full
      ? {
          name: task.full.name,
          expectedViolations: task.full.expectedViolations,
          keepTrace: task.full.keepTrace,
          ...(task.full.traceFile !== undefined ? { traceFile: task.full.traceFile } : {}),
        }
      : {}),
  });
  return {
    ...(task.full ? { result } : {}),
    id: task.id,
    violations: result.violations.map(({ invariant, message }) => ({ invariant, message })),
    errors: result.errors,
    events: result.stats.events,
    traceHash: result.traceHash,
  };
}

process.on('message', (task: PlanTask) => {
  run(task).then(
    (verdict) => process.send?.(verdict),
    (error: unknown) => process.send?.({ id: task.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
