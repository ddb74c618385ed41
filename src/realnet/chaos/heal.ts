/**
 * @module realnet/chaos/heal
 * The heal phase of a real-network run, as the simulator's (src/sim/heal.ts) in real time:
 * with the network healed and server faults off, the clients get `healAutoMs` to converge
 * on their own; a device still behind is then nudged with bounded `sync()` rounds (reported
 * by liveness). Ends by recording every device's final view and `sim.final`.
 */
import type { ClientFactory } from '../../client/contract.ts';
import type { Trace } from '../../kernel/trace.ts';
import { viewMatchesServer } from '../../sim/view-match.ts';
import { type DeviceView, readView } from '../../sim/views.ts';
import type { RealDevice } from '../real-device.ts';
import type { ServedServer } from '../served-server.ts';

export interface RealHealOptions {
  /** Real ms the clients get to converge on their own. */
  healAutoMs: number;
  /** How often convergence is looked at, real ms. */
  sliceMs: number;
  syncRoundsMax: number;
  /** Bound on one app call, real ms. */
  callTimeoutMs: number;
}

export interface RealHealOutcome {
  converged: boolean;
  /** Run-time ms from the start of heal until every device had converged (or the bound). */
  convergeMs: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RealHealer {
  constructor(
    private readonly devices: readonly RealDevice[],
    private readonly served: ServedServer,
    private readonly trace: Trace,
    private readonly collections: readonly string[],
    private readonly options: RealHealOptions,
  ) {}

  async view(device: RealDevice): Promise<DeviceView | undefined> {
    const outcome = await device.call(
      'reading the view',
      (client) => readView(client, this.collections),
      this.options.callTimeoutMs,
    );
    if (outcome.ok) return outcome.value;
    this.trace.record('device.error', { device: device.deviceId, message: outcome.error });
    return undefined;
  }

  private async allConverged(): Promise<boolean> {
    const server = this.served.records();
    for (const device of this.devices) {
      const view = await this.view(device);
      if (view === undefined || !viewMatchesServer(view, server)) return false;
    }
    return true;
  }

  private async nudge(device: RealDevice): Promise<number> {
    let rounds = 0;
    while (rounds < this.options.syncRoundsMax) {
      rounds++;
      this.trace.record('user.call', { device: device.deviceId, action: 'sync' });
      const outcome = await device.call('sync()', (client) => client.sync(), this.options.callTimeoutMs);
      if (!outcome.ok) this.trace.record('device.error', { device: device.deviceId, message: outcome.error });
      const view = await this.view(device);
      if (view !== undefined && view.pending === 0) break;
    }
    return rounds;
  }

  async run(now: () => number): Promise<RealHealOutcome> {
    this.trace.record('sim.phase', { phase: 'heal' });
    this.served.setFaultsEnabled(false);
    const start = now();
    const deadline = performance.now() + this.options.healAutoMs;
    let converged = await this.allConverged();
    while (!converged && performance.now() < deadline) {
      await pause(this.options.sliceMs);
      converged = await this.allConverged();
    }
    const convergeMs = now() - start;
    for (const device of this.devices) {
      const view = converged ? undefined : await this.view(device);
      const behind = !converged && (view === undefined || !viewMatchesServer(view, this.served.records()));
      const rounds = behind ? await this.nudge(device) : 0;
      const after = behind ? await this.view(device) : view;
      const drained = converged || (after !== undefined && after.pending === 0);
      this.trace.record('sim.heal', { device: device.deviceId, drained, nudged: behind, rounds });
    }
    if (!converged) converged = await this.settleAll();
    return { converged, convergeMs: converged ? convergeMs : now() - start };
  }

  /** After nudges: every device pulls once more, so each has seen every other's pushes. */
  private async settleAll(): Promise<boolean> {
    for (let round = 0; round < 2; round++) {
      for (const device of this.devices) {
        this.trace.record('user.call', { device: device.deviceId, action: 'sync' });
        await device.call('final sync()', (client) => client.sync(), this.options.callTimeoutMs);
      }
    }
    return this.allConverged();
  }

  /** Every device's final view, then `sim.final` with the server's records. */
  async recordFinal(client: ClientFactory): Promise<void> {
    this.trace.record('sim.phase', { phase: 'check' });
    const devices = new Map<string, DeviceView>();
    for (const device of this.devices) {
      const view = await this.view(device);
      if (view === undefined) continue;
      this.trace.record('device.view', { device: device.deviceId, reason: 'final', ...view });
      devices.set(device.deviceId, view);
    }
    const final = { policy: client.policy, server: this.served.records(), devices: Object.fromEntries(devices) };
    this.trace.record('sim.final', final);
  }
}
