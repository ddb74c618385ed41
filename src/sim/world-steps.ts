/**
 * @module sim/world-steps
 * The steps of a plan that change the world around the clients, at once: connectivity
 * (offline, online, partition, repair), the app's place (background, foreground), the
 * device clock (skew), kills (at once, or armed at a crash point) and restarts, further
 * instances of an app (open, close, kill; sim/instances), and the server's own writes
 * (automation). Just before a kill and just after a restart the device's view is read and
 * recorded. A kill or restart forgets the user actions queued for the dead app (sim/executor).
 */
import type { DeviceHost } from './device.ts';
import { instanceHost, openInstance } from './instances.ts';
import { ANY_CRASH_POINT } from './nemesis.ts';
import type { Step } from './plan.ts';
import type { UserActions, UserStep } from './user-actions.ts';
import { patchFor } from './values.ts';
import { readView } from './views.ts';
import type { World } from './world.ts';

export type WorldStep = Exclude<Step, UserStep>;

export interface WorldStepsOptions {
  world: World;
  collections: readonly string[];
  /** False for a client that declares no conflict inbox: its views carry no conflicts. */
  conflictInbox: boolean;
  /** True for a client that declares `capabilities.instances`: open-instance steps open one. */
  instancesCapable: boolean;
  /** The records the plan's refs stand for, and where skipped steps are recorded. */
  actions: UserActions;
  /** The host of a device the plan declares (its first instance). */
  hostOf: (device: string) => DeviceHost;
  /** Forgets the user actions queued for a host: they belonged to the app that died. */
  forget: (deviceId: string) => void;
}

export class WorldSteps {
  private readonly world: World;
  private readonly collections: readonly string[];
  private readonly conflictInbox: boolean;
  private readonly instancesCapable: boolean;
  private readonly actions: UserActions;
  private readonly hostOf: (device: string) => DeviceHost;
  private readonly forget: (deviceId: string) => void;
  /** Per device: how many further instances were opened so far (each opening draws from its own stream). */
  private readonly openings = new Map<string, number>();

  constructor(options: WorldStepsOptions) {
    this.world = options.world;
    this.collections = options.collections;
    this.conflictInbox = options.conflictInbox;
    this.instancesCapable = options.instancesCapable;
    this.actions = options.actions;
    this.hostOf = options.hostOf;
    this.forget = options.forget;
  }

  /** Carries out step `index`. */
  async run(step: WorldStep, index: number): Promise<void> {
    const { network, server, trace } = this.world;
    if (step.do === 'server-write') {
      const target = this.actions.refs.get(step.ref);
      if (!target) return;
      const patch = patchFor('server', index, step.ops, null);
      server.automationWrite(target.collection, target.id, patch);
      return;
    }
    if (step.do === 'heal') return;
    const host = this.hostOf(step.device);
    if (step.do === 'open-instance' || step.do === 'close-instance' || (step.do === 'kill' && (step.instance ?? 1) > 1))
      return this.instanceStep(step, index);
    trace.record('sim.step', { device: step.device, step: index, do: step.do });
    switch (step.do) {
      case 'offline':
        return host.setOnline(false);
      case 'online':
        return host.setOnline(true);
      case 'partition':
        return network.partition(step.device, step.direction);
      case 'repair':
        return network.repair(step.device);
      case 'background':
        return host.setForeground(false);
      case 'foreground':
        return host.setForeground(true);
      case 'skew':
        return host.setSkew(step.ms);
      case 'kill':
        return this.kill(host, step.point);
      case 'restart':
        return this.restart(host);
    }
  }

  /** Opens, closes or kills a further instance of a device's app (sim/instances.ts). */
  private async instanceStep(
    step: Extract<Step, { do: 'open-instance' | 'close-instance' | 'kill' }>,
    index: number,
  ): Promise<void> {
    const number = step.instance ?? 1;
    const name = `${step.device}#${number}`;
    this.world.trace.record('sim.step', { device: name, step: index, do: step.do });
    if (step.do === 'open-instance') {
      const opening = (this.openings.get(step.device) ?? 0) + 1;
      this.openings.set(step.device, opening);
      const capable = this.instancesCapable;
      const skipped = await openInstance(this.world, { device: step.device, number, opening, capable });
      if (skipped !== undefined) this.actions.skip(name, index, skipped);
      return;
    }
    const host = instanceHost(this.world, step.device, number);
    if (host === undefined) return this.actions.skip(name, index, `instance ${number} is not open`);
    if (step.do === 'kill' && step.point !== undefined) {
      host.armCrashPoint(step.point);
      return;
    }
    this.forget(host.deviceId);
    host.kill(step.do === 'kill' ? 'random' : 'closed');
  }

  private async kill(host: DeviceHost, point: string | undefined): Promise<void> {
    if (!host.alive) return;
    if (point !== undefined) {
      host.armCrashPoint(point === ANY_CRASH_POINT ? ANY_CRASH_POINT : point);
      return;
    }
    const client = host.client;
    if (client !== undefined) {
      // A list read resolves within promise continuations (storage is synchronous), so
      // nothing else happens between this view and the kill.
      const view = await readView(client, this.collections, this.conflictInbox).catch(() => undefined);
      if (view) this.world.trace.record('device.view', { device: host.deviceId, reason: 'before-kill', ...view });
    }
    this.forget(host.deviceId);
    host.kill('random');
  }

  /** Restarts a killed device and records what it shows right after. */
  async restart(host: DeviceHost): Promise<void> {
    if (host.alive) return;
    this.forget(host.deviceId);
    await host.restart();
    const client = host.client;
    if (client === undefined) return;
    const view = await readView(client, this.collections, this.conflictInbox).catch(() => undefined);
    if (view) this.world.trace.record('device.view', { device: host.deviceId, reason: 'after-restart', ...view });
  }
}
