/**
 * @module sim/executor
 * Carries out a plan's steps. User actions (create, update, delete, resolve, sync; what each
 * does is sim/user-actions) run one at a time per device, as a person does, each bounded by a
 * watchdog; network and device steps (offline, partition, kill ...; sim/world-steps) take
 * effect at once. A user action of a live client that throws, hangs past ACTION_TIMEOUT_MS
 * of virtual time or returns a malformed value is a client error (sim/client-errors):
 * every app call is local-first and `sync()` never throws for network or server errors.
 */
import type { Scheduler } from '../kernel/scheduler.ts';
import type { Subscription } from '../server/subscription.ts';
import type { ClientError } from './client-errors.ts';
import type { DeviceHost } from './device.ts';
import { instanceHost, instanceName } from './instances.ts';
import type { Step } from './plan.ts';
import { USER_ACTIONS, UserActions, type UserStep } from './user-actions.ts';
import { drive, type Outcome, within } from './watchdog.ts';
import type { World } from './world.ts';
import { type WorldStep, WorldSteps } from './world-steps.ts';

/** Virtual time a user action (or start()) may take before it counts as hung: 10 minutes. */
export const ACTION_TIMEOUT_MS = 10 * 60_000;
/** Bound on the events run at the end of a run to let user actions still in flight settle. */
const SETTLE_EVENTS_MAX = 200_000;

/** A client error, and which ones are the same failure (reported once, with a count). */
export type ClientErrorReport = (error: ClientError, sameAs: string) => void;

/** The client error of a failed call (`call` names it: "sync() on A (step 3)"). */
export function callError(call: string, what: string, outcome: { error: string; hung: boolean; badResult?: boolean }) {
  const kind = outcome.hung ? 'client-hung' : outcome.badResult ? 'client-bad-result' : 'client-threw';
  const message = outcome.hung
    ? `${call} never settled: ${outcome.error}`
    : outcome.badResult
      ? `${call}: ${outcome.error.replace(/^ClientBadResult: /, '')}`
      : `${call} threw: ${outcome.error}`;
  return { error: { kind, message } as ClientError, sameAs: `${kind}\n${what}\n${outcome.error}` };
}

export class StepExecutor {
  /** Per device: the queue of user actions, and the incarnation it belongs to. */
  private readonly chains = new Map<string, { host: DeviceHost; incarnation: number; tail: Promise<void> }>();

  constructor(
    private readonly world: World,
    collections: readonly string[],
    /** Where client errors go (sim/simulation collects them into the result). */
    readonly reportClientError: ClientErrorReport = () => undefined,
    /** False for a client that declares no conflict inbox: its conflicts are not read, resolve steps are skipped. */
    readonly conflictInbox = true,
    /** True for a client that declares `capabilities.instances`: open-instance steps open one. */
    readonly instances = false,
    /** True for a client that declares `capabilities.subscriptions`: subscribe steps reach it. */
    readonly subscriptionsCapable = false,
  ) {
    const hostOf = (device: string) => this.host(device);
    const actions = new UserActions({ world, collections, hostOf, conflictInbox, subscriptionsCapable });
    const forget = (deviceId: string) => this.chains.delete(deviceId);
    this.actions = actions;
    this.worldSteps = new WorldSteps({
      world,
      collections,
      conflictInbox,
      instancesCapable: instances,
      actions,
      hostOf,
      forget,
    });
  }

  /** What each user action does (sim/user-actions). */
  private readonly actions: UserActions;
  /** What each step of the world does (sim/world-steps). */
  private readonly worldSteps: WorldSteps;

  /** Per device: the subscription its last completed subscribe step set (absent: everything). */
  get subscriptions(): Map<string, Subscription | null> {
    return this.actions.subscriptions;
  }

  private get scheduler(): Scheduler {
    return this.world.scheduler;
  }

  private host(device: string): DeviceHost {
    const host = this.world.hosts.get(device);
    if (host === undefined)
      throw new Error(`[syncstorm] step names device '${device}', which the plan does not declare`);
    return host;
  }

  /** Schedules every step at its time. */
  scheduleAll(steps: readonly Step[]): void {
    steps.forEach((step, index) => {
      if (step.do === 'heal') return;
      this.scheduler.at(step.at, `step:${index}:${step.do}`, () => this.start(step, index));
    });
  }

  private start(step: Step, index: number): void {
    if (USER_ACTIONS.has(step.do)) {
      const userStep = step as UserStep;
      this.host(userStep.device);
      const host = instanceHost(this.world, userStep.device, userStep.instance);
      if (host === undefined) {
        const name = instanceName(userStep.device, userStep.instance);
        this.actions.skip(name, index, `instance ${userStep.instance} is not open`);
        return;
      }
      const incarnation = host.incarnation;
      const chain = this.chains.get(host.deviceId);
      // A queue left by a dead incarnation (killed at a crash point mid-action) never drains.
      const same = chain !== undefined && chain.host === host && chain.incarnation === incarnation;
      const previous = same ? chain.tail : Promise.resolve();
      const tail = previous.then(() => this.runUserStep(userStep, index, host));
      this.chains.set(host.deviceId, { host, incarnation, tail });
      return;
    }
    void this.worldSteps.run(step as WorldStep, index).catch((error: unknown) => {
      this.world.trace.record('sim.error', { step: index, message: String(error) });
      // A restart runs the client's start(): one that throws is the client's error.
      if (step.do === 'restart' || step.do === 'open-instance') {
        const failed = callError(`start() on ${step.device} (${step.do}, step ${index})`, 'start', {
          error: String(error),
          hung: false,
        });
        this.reportClientError(failed.error, failed.sameAs);
      }
    });
  }

  /** Runs a user step on `host`: the device's own host, or the host of the instance the step names. */
  private async runUserStep(step: UserStep, index: number, host: DeviceHost): Promise<void> {
    // Writes are the device's, whichever instance made them (one storage, one outbox); they
    // carry `instance` when it is not the app itself. Views name the instance (`<device>#<n>`).
    const device = host.device;
    const client = host.client;
    if (client === undefined || !host.alive) {
      this.world.trace.record('user.skip', { device: host.deviceId, step: index, reason: 'device is down' });
      return;
    }
    const on = host.instanceNumber === 1 ? {} : { instance: host.instanceNumber };
    const incarnation = host.incarnation;
    const attempt: Record<string, unknown> = {};
    const label = `${step.do} on ${host.deviceId}`;
    const outcome = await within(
      this.scheduler,
      this.actions.run(client, { ...step, device }, index, attempt, host),
      ACTION_TIMEOUT_MS,
      label,
    );
    if (outcome.ok) return;
    const trace = this.world.trace;
    if (host.alive && host.incarnation === incarnation) {
      trace.record('user.error', {
        device,
        ...on,
        step: index,
        action: step.do,
        message: outcome.error,
        hung: outcome.hung,
      });
      const failed = callError(`${step.do}() on ${host.deviceId} (step ${index})`, step.do, outcome);
      this.reportClientError(failed.error, failed.sameAs);
    } else if (step.do !== 'sync' && Object.keys(attempt).length > 0) {
      // Killed mid-call: the write may or may not have committed.
      trace.record('user.interrupted', { device, ...on, step: index, action: step.do, ...attempt });
    }
  }

  /** Starts a device's first incarnation (its client's `start`), bounded by the watchdog. */
  startDevice(host: DeviceHost): Promise<Outcome<void>> {
    return drive(this.scheduler, host.start(), {
      timeoutMs: ACTION_TIMEOUT_MS,
      eventsMax: 100_000,
      label: `start of ${host.deviceId}`,
    });
  }

  /** Restarts a killed device and records what it shows right after. */
  restartDevice(host: DeviceHost): Promise<void> {
    return this.worldSteps.restart(host);
  }

  /**
   * At the end of a run: lets user actions still in flight on live devices settle or reach
   * their watchdog (ACTION_TIMEOUT_MS), so a call that never settles is reported even in a
   * run shorter than its bound. Runs no event when nothing is in flight.
   */
  async settlePending(): Promise<void> {
    const tails = [...this.chains.values()].flatMap((chain) =>
      chain.host.alive && chain.host.incarnation === chain.incarnation ? [chain.tail] : [],
    );
    if (tails.length === 0) return;
    const label = 'user actions still in flight at the end of the run';
    const options = { timeoutMs: ACTION_TIMEOUT_MS + 1, eventsMax: SETTLE_EVENTS_MAX, label };
    const outcome = await drive(this.scheduler, Promise.all(tails), options);
    if (!outcome.ok) this.reportClientError({ kind: 'client-hung', message: outcome.error }, label);
  }

  /** Forgets queued user actions of a device (after a kill, its queue belonged to the dead app). */
  forget(device: string): void {
    this.chains.delete(device);
  }
}
