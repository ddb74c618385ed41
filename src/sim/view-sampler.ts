/**
 * @module sim/view-sampler
 * More moments at which each device's view is read during the chaos phase, so that a wrong
 * state that lasts only between two user steps (a short regression, a local resurrection, a
 * dishonest status) is seen:
 * - `sync-end`: just after the client logs the end of a sync run (`env.log({ type:
 *   'sync-end' })`, the convention of the reference client), read as the next event at the
 *   same virtual time; at most SYNC_END_VIEWS_MAX per device and run;
 * - `sample`: at SAMPLE_VIEWS_PER_DEVICE moments per device drawn from the seed (a stream
 *   forked by the label 'view-samples', so no other draw changes).
 * A view is read through the app API only (sim/views) and recorded as `device.view` with its
 * reason; a read that fails, or whose device died meanwhile, records nothing (the step views
 * report malformed results). Both bounds keep a run's cost within 1.2x of a run without them.
 */
import type { DeviceHost } from './device.ts';
import { readView } from './views.ts';
import type { World } from './world.ts';

/** Bound on sync-end views per device per run. */
export const SYNC_END_VIEWS_MAX = 20;
/** Drawn sample views per device per run. */
export const SAMPLE_VIEWS_PER_DEVICE = 4;

export class ViewSampler {
  private active = false;
  private readonly syncEndViews = new Map<string, number>();

  constructor(
    private readonly world: World,
    private readonly collections: readonly string[],
    private readonly conflictInbox: boolean,
  ) {}

  /** Starts sampling; drawn moments fall in [0, chaosEndMs). */
  start(chaosEndMs: number): void {
    this.active = true;
    const rng = this.world.rng.fork('view-samples');
    for (const host of this.world.hosts.values()) {
      host.onClientLog = (type) => {
        if (type === 'sync-end') this.afterSyncEnd(host);
      };
      const draws = rng.fork(host.deviceId);
      for (let index = 0; index < SAMPLE_VIEWS_PER_DEVICE; index++) {
        const at = Math.floor(draws.next() * chaosEndMs);
        this.world.scheduler.at(at, `view-sample:${host.deviceId}`, () => void this.read(host, 'sample'));
      }
    }
  }

  /** Stops sampling (at the end of the chaos phase): pending reads record nothing. */
  stop(): void {
    this.active = false;
    for (const host of this.world.hosts.values()) host.onClientLog = undefined;
  }

  private afterSyncEnd(host: DeviceHost): void {
    const taken = this.syncEndViews.get(host.deviceId) ?? 0;
    if (!this.active || taken >= SYNC_END_VIEWS_MAX) return;
    this.syncEndViews.set(host.deviceId, taken + 1);
    const scheduler = this.world.scheduler;
    scheduler.at(scheduler.now(), `view-sync-end:${host.deviceId}`, () => void this.read(host, 'sync-end'));
  }

  private async read(host: DeviceHost, reason: 'sync-end' | 'sample'): Promise<void> {
    const client = host.client;
    if (!this.active || client === undefined) return;
    const incarnation = host.incarnation;
    const view = await readView(client, this.collections, this.conflictInbox).catch(() => undefined);
    if (view === undefined || !this.active || !host.alive || host.incarnation !== incarnation) return;
    this.world.trace.record('device.view', { device: host.deviceId, reason, ...view });
  }
}
