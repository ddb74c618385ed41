/**
 * @module sim/campaign-worker
 * The child process of a campaign: runs the seeds it is sent, one at a time, and sends
 * each result back (sim/child-side's protocol). Started by campaign.ts with the tsx loader.
 */
import { resolveClientOnce } from '../client/resolve.ts';
import type { SeedTask } from './campaign.ts';
import { serveTasks } from './child-side.ts';
import { runSeed } from './seed-run.ts';

serveTasks<SeedTask>(async (task, started) => {
  const client = await resolveClientOnce(task.clientSpec);
  started();
  const result = await runSeed({
    seed: task.seed,
    client,
    profile: task.profile,
    devices: task.devices,
    opsPerDevice: task.opsPerDevice,
    ...(task.chaosMs !== undefined ? { chaosMs: task.chaosMs } : {}),
    keepTrace: task.keepFailedTraces,
    runEventsMax: task.eventsMax,
    ...(task.server !== undefined ? { server: task.server } : {}),
  });
  if (result.passed) delete result.trace;
  return result;
});
