/**
 * @module realnet/chaos/workload
 * Plays a plan's user steps (create, update, delete, resolve, sync) on real devices at their
 * times, mapped from run time to real time. As in the simulator's executor, actions run one
 * at a time per device, each bounded, and every write is recorded (user.*) right after it
 * resolved, with what the device showed of the record just before: the checkers need both.
 */
import type { SyncClient } from '../../client/contract.ts';
import type { Trace } from '../../kernel/trace.ts';
import type { Step } from '../../sim/plan.ts';
import { initialFields, patchFor, resolutionFor } from '../../sim/values.ts';
import { readRecord, readView } from '../../sim/views.ts';
import type { RealDevice } from '../real-device.ts';
import type { RunTimeline } from '../timeline.ts';

export type UserStep = Extract<Step, { do: 'create' | 'update' | 'delete' | 'resolve' | 'sync' }>;

const USER_ACTIONS = new Set<string>(['create', 'update', 'delete', 'resolve', 'sync']);

export function userSteps(steps: readonly Step[]): UserStep[] {
  return steps.filter((step): step is UserStep => USER_ACTIONS.has(step.do));
}

export interface WorkloadOptions {
  devices: ReadonlyMap<string, RealDevice>;
  trace: Trace;
  timeline: RunTimeline;
  collections: readonly string[];
  /** Bound on one app call, real ms. */
  actionTimeoutMs: number;
}

export class RealWorkload {
  private readonly refs = new Map<string, { collection: string; id: string }>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: WorkloadOptions) {}

  /** Schedules every step; resolves once each has run (or was skipped). */
  play(steps: readonly UserStep[]): Promise<void> {
    const finished = steps.map(
      (step, index) =>
        new Promise<void>((resolve) => {
          const delay = this.options.timeline.realMs(step.at);
          this.timers.push(setTimeout(() => this.enqueue(step, index).then(resolve), delay));
        }),
    );
    return Promise.all(finished).then(() => {});
  }

  /** Steps not yet started are dropped (their promises never settle; callers race a deadline). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private enqueue(step: UserStep, index: number): Promise<void> {
    const previous = this.chains.get(step.device) ?? Promise.resolve();
    const tail = previous.then(() => this.run(step, index));
    this.chains.set(step.device, tail);
    return tail;
  }

  private async run(step: UserStep, index: number): Promise<void> {
    const device = this.options.devices.get(step.device);
    if (device === undefined || !device.alive) return;
    const outcome = await device.call(
      `${step.do} on ${step.device}`,
      (client) => this.act(client, step, index),
      this.options.actionTimeoutMs,
    );
    if (!outcome.ok && device.alive) {
      this.options.trace.record('user.error', {
        device: step.device,
        step: index,
        action: step.do,
        message: outcome.error,
        hung: outcome.hung,
      });
    }
  }

  private skip(device: string, index: number, reason: string): void {
    this.options.trace.record('user.skip', { device, step: index, reason });
  }

  private async act(client: SyncClient, step: UserStep, index: number): Promise<void> {
    const { trace } = this.options;
    const device = step.device;
    switch (step.do) {
      case 'create': {
        const fields = initialFields(device, index, step.fields);
        const id = await client.create(step.collection, fields);
        this.refs.set(step.ref, { collection: step.collection, id });
        trace.record('user.create', { device, incarnation: 0, step: index, collection: step.collection, id, fields });
        return;
      }
      case 'update':
      case 'delete': {
        const target = this.refs.get(step.ref);
        const seen = target ? await readRecord(client, target.collection, target.id) : null;
        if (!target || !seen) return this.skip(device, index, `record ${step.ref} is not on the device`);
        if (step.do === 'delete') {
          await client.delete(target.collection, target.id);
          trace.record('user.delete', { device, step: index, collection: target.collection, id: target.id, seen });
          return;
        }
        const patch = patchFor(device, index, step.ops, seen);
        if (patch.length === 0) return this.skip(device, index, 'nothing to change');
        await client.update(target.collection, target.id, patch);
        trace.record('user.update', { device, step: index, collection: target.collection, id: target.id, patch, seen });
        return;
      }
      case 'resolve': {
        const conflict = (await client.conflicts())[0];
        if (conflict === undefined) return this.skip(device, index, 'no conflict to resolve');
        const resolution = resolutionFor(step.choice, device, index, conflict.field, conflict.local, conflict.remote);
        await client.resolve(conflict.id, resolution);
        trace.record('user.resolve', { device, step: index, conflict, resolution });
        return;
      }
      case 'sync': {
        trace.record('user.call', { device, action: 'sync' });
        const result = await client.sync();
        trace.record('user.sync', { device, step: index, result });
        const view = await readView(client, this.options.collections);
        trace.record('device.view', { device, reason: 'step', ...view });
        return;
      }
    }
  }
}
