/**
 * @module sim/quiet
 * The watch after convergence: once heal has brought every device level with the server,
 * nothing is left to sync, so a well-behaved client only polls now and then. The run goes
 * on for `QUIET_MS` of virtual time (faults still off, nobody writing) after a `sim.quiet`
 * marker, and the request-storm checker counts each device's requests in it: a client that
 * pulls in an endless loop of empty pages shows itself here and nowhere else.
 */
import type { World } from './world.ts';

/** How long the run watches the devices after they converged (virtual ms). */
export const QUIET_MS = 60_000;

export async function watchAfterConvergence(world: World, eventsMax: number): Promise<void> {
  const { scheduler, trace } = world;
  trace.record('sim.quiet', { ms: QUIET_MS });
  const end = scheduler.now() + QUIET_MS;
  const slice = await scheduler.run({ until: end, eventsMax });
  // Nothing scheduled (a client with no timers): the time still passes.
  if (slice.stoppedBy === 'idle') scheduler.advanceTo(end);
}
