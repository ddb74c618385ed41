/**
 * @module sim/campaign-worker
 * The child process of a campaign: runs the seeds it is sent, one at a time, and sends
 * each result back. Started by campaign.ts with the tsx loader.
 */
import type { ClientFactory } from '../client/contract.ts';
import { resolveClient } from '../client/resolve.ts';
import type { SeedTask } from './campaign.ts';
import { runSeed } from './seed-run.ts';

const clients = new Map<string, Promise<ClientFactory>>();

function client(spec: string): Promise<ClientFactory> {
  let found = clients.get(spec);
  if (found === undefined) {
    found = resolveClient(spec);
    clients.set(spec, found);
  }
  return found;
}

process.on('message', (task: SeedTask) => {
  void (async () => {
    try {
      const result = await runSeed({
        seed: task.seed,
        client: await client(task.clientSpec),
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
