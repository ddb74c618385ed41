/**
 * @module scenario/plan-worker
 * The child process that plan-runner.ts supervises: runs plans one at a time (a shrink
 * candidate, a scenario, a replay) and answers with the run's verdict, or the whole result
 * (trace included when asked) for a scenario run; or says what a client declares. The
 * client named on the command line is loaded at once, so that it is ready for the first
 * task (loading never counts against a run's wall-time limit).
 */
import type { ClientFactory } from '../client/contract.ts';
import { resolveClientOnce } from '../client/resolve.ts';
import { serveTasks } from '../sim/child-side.ts';
import { runSimulation } from '../sim/simulation.ts';
import type { ClientInfo, DescribeTask, PlanTask, PlanVerdict } from './plan-runner.ts';

const spec = process.argv[2];
if (spec !== undefined) resolveClientOnce(spec).catch(() => undefined);

function describe(client: ClientFactory): ClientInfo {
  const { name, policy, collections, crashPoints, description } = client;
  return {
    name,
    policy,
    ...(collections !== undefined ? { collections: [...collections] } : {}),
    ...(crashPoints !== undefined ? { crashPoints: [...crashPoints] } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

async function run(task: PlanTask, started: () => void): Promise<PlanVerdict> {
  const client = await resolveClientOnce(task.clientSpec);
  started();
  const result = await runSimulation({
    seed: task.seed,
    plan: task.plan,
    client,
    runEventsMax: task.eventsMax,
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
    violations: result.violations.map(({ invariant, message }) => ({ invariant, message })),
    errors: result.errors,
    events: result.stats.events,
    traceHash: result.traceHash,
  };
}

serveTasks<PlanTask | DescribeTask>(async (task, started) => {
  if ('describe' in task) {
    started();
    return describe(await resolveClientOnce(task.describe));
  }
  return run(task, started);
});
