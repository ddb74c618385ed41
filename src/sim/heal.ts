/**
 * @module sim/heal
 * The second phase of a run. Faults stop, every device is restarted, brought online and to
 * the foreground. Then the clients get a bounded stretch of virtual time to drain their
 * outboxes and converge by themselves, as a real app would on reconnect; only after that
 * does the simulator pull to refresh (`sync()`), and a device that needed it is reported.
 */
import type { SyncClient } from '../client/contract.ts';
import type { Subscription } from '../server/subscription.ts';
import type { DeviceHost } from './device.ts';
import { callError, type StepExecutor } from './executor.ts';
import { viewMatchesServer } from './view-match.ts';
import { type DeviceView, readView } from './views.ts';
import { drive, type Outcome } from './watchdog.ts';
import type { World } from './world.ts';

export interface HealOptions {
  /** Virtual time the clients get to converge on their own. */
  healAutoMs: number;
  /** How often convergence is looked at during that time. */
  sliceMs: number;
  /** Manual sync rounds allowed per device after the auto stretch. */
  syncRoundsMax: number;
  /** Bound on one client call (virtual ms). */
  callTimeoutMs: number;
  eventsMax: number;
}

export const HEAL_DEFAULTS: HealOptions = {
  healAutoMs: 10 * 60_000,
  sliceMs: 5_000,
  syncRoundsMax: 5,
  callTimeoutMs: 10 * 60_000,
  eventsMax: 200_000,
};

export interface HealOutcome {
  /** Virtual ms from the start of heal until every device had converged (or the bound). */
  convergeMs: number;
  converged: boolean;
}

export class Healer {
  /** The last error recorded per device: a client that stays broken is reported once, not every slice. */
  private readonly lastError = new Map<string, string>();

  constructor(
    private readonly world: World,
    private readonly executor: StepExecutor,
    private readonly collections: readonly string[],
    private readonly options: HealOptions,
  ) {}

  /** The subscription of the host's device (every instance shares it). */
  private subscriptionOf(host: DeviceHost): Subscription | null | undefined {
    return this.executor.subscriptions.get(host.device);
  }

  private call<T>(promise: Promise<T>, label: string) {
    return drive(this.world.scheduler, promise, {
      timeoutMs: this.options.callTimeoutMs,
      eventsMax: this.options.eventsMax,
      label,
    });
  }

  async view(host: DeviceHost): Promise<DeviceView | undefined> {
    const client = host.client;
    if (client === undefined) return undefined;
    const outcome = await this.call(
      readView(client, this.collections, this.executor.conflictInbox),
      `reading the view of ${host.deviceId}`,
    );
    if (outcome.ok) return outcome.value;
    this.reportError(host.deviceId, outcome.error);
    this.clientError(`reading the view of ${host.deviceId} (list(), pendingCount(), conflicts())`, 'view', outcome);
    return undefined;
  }

  /** A call of a live client that failed during heal is a client error too. */
  private clientError(call: string, what: string, outcome: Outcome<unknown>): void {
    if (outcome.ok) return;
    const failed = callError(`${call} during heal`, what, outcome);
    this.executor.reportClientError(failed.error, failed.sameAs);
  }

  private reportError(device: string, message: string): void {
    if (this.lastError.get(device) === message) return;
    this.lastError.set(device, message);
    this.world.trace.record('device.error', { device, message });
  }

  private async allConverged(): Promise<boolean> {
    const server = this.world.server.records();
    for (const host of this.world.hosts.values()) {
      const view = await this.view(host);
      if (view === undefined || !viewMatchesServer(view, server, this.subscriptionOf(host))) return false;
    }
    return true;
  }

  private async stopFaults(): Promise<void> {
    const { network, server, hosts } = this.world;
    network.setFaultsEnabled(false);
    server.setFaultsEnabled(false);
    for (const host of hosts.values()) {
      host.armCrashPoint(undefined);
      network.repair(host.deviceId);
      if (!host.alive) {
        const restarted = await this.call(this.executor.restartDevice(host), `restarting ${host.deviceId}`);
        this.clientError(`start() on ${host.deviceId} (restart)`, 'start', restarted);
      }
      host.setForeground(true);
      host.setOnline(true);
    }
  }

  /**
   * Pull to refresh, up to `syncRoundsMax` times: until the outbox is empty, or a round
   * changed nothing the device shows (the same records, conflicts and pending count: the
   * next press would meet the same state, as a client caught in a loop does).
   */
  private async nudge(host: DeviceHost, client: SyncClient, before: DeviceView | undefined): Promise<number> {
    let rounds = 0;
    let last = before === undefined ? 'unreadable' : JSON.stringify(before);
    while (rounds < this.options.syncRoundsMax) {
      rounds++;
      const outcome = await this.call(client.sync(), `sync() on ${host.deviceId}`);
      if (!outcome.ok) this.reportError(host.deviceId, outcome.error);
      // A sync() that throws is a client error; one still running after its bound is a
      // client caught in a loop, which liveness reports (blind-retry-409 shows it).
      if (!outcome.ok && !outcome.hung) this.clientError(`sync() on ${host.deviceId}`, 'sync', outcome);
      const view = await this.view(host);
      if (view !== undefined && view.pending === 0) break;
      // A view that cannot be read twice running is no change either (the client is broken).
      const now = view === undefined ? 'unreadable' : JSON.stringify(view);
      if (now === last) break;
      last = now;
    }
    return rounds;
  }

  async run(): Promise<HealOutcome> {
    const { scheduler, trace, hosts } = this.world;
    trace.record('sim.phase', { phase: 'heal' });
    await this.stopFaults();
    const start = scheduler.now();
    let converged = false;
    while (!converged && scheduler.now() - start < this.options.healAutoMs) {
      const sliceEnd = scheduler.now() + this.options.sliceMs;
      const slice = await scheduler.run({ until: sliceEnd, eventsMax: this.options.eventsMax });
      // Nothing scheduled (a client with no timers): the slice's time still passes.
      if (slice.stoppedBy === 'idle') scheduler.advanceTo(sliceEnd);
      converged = await this.allConverged();
    }
    const convergeMs = scheduler.now() - start;
    for (const host of hosts.values()) {
      const view = converged ? undefined : await this.view(host);
      const behind =
        !converged &&
        (view === undefined || !viewMatchesServer(view, this.world.server.records(), this.subscriptionOf(host)));
      const client = host.client;
      const rounds = behind && client !== undefined ? await this.nudge(host, client, view) : 0;
      const after = behind ? await this.view(host) : view;
      trace.record('sim.heal', {
        device: host.deviceId,
        drained: converged || (after !== undefined && after.pending === 0),
        nudged: behind,
        rounds,
      });
    }
    if (!converged) converged = await this.settleAll();
    return { convergeMs: converged ? convergeMs : scheduler.now() - start, converged };
  }

  /** After nudges: every device pulls once more, so each has seen every other's pushes. */
  private async settleAll(): Promise<boolean> {
    for (let round = 0; round < 2; round++) {
      for (const host of this.world.hosts.values()) {
        const client = host.client;
        if (client !== undefined) await this.call(client.sync(), `final sync() on ${host.deviceId}`);
      }
    }
    return this.allConverged();
  }
}
