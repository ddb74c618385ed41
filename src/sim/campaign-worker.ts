/**
 * @module sim/campaign-worker
 * The child process of a campaign: runs the seeds it is sent, one at a time, and sends
 * each result back. Started by campaign.ts with the tsx loader.
 */
import { resolveClientOnce } from '../client/resolve.ts';
import type { SeedTask } from './campaign.ts';
import { runSeed } from './seed-run.ts';

process.on('message', (task: SeedTask) => {
  void (async () => {
    try {
      const result = await runSeed({
        seed: task.seed,
        client: await resolveClientOnce(task.clientSpec),
        profile: task.profile,
        devices: task.devices,
        opsPerDevice: task.opsPerDevice,
        ...(task.chaosMs !== undefined ? { chaosMs: task.chaosMs } : {}),
        keepTrace: task.keepFailedTraces,
      });
      if (result.passed) delete result.trace;
      process.send?.({ seed: task.seed, result });
    } catch (error) {
      process.send?.({ seed: task.seed, error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
