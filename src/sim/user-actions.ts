/**
 * @module sim/user-actions
 * What each user action of a plan does on a device's client: create, update, delete,
 * resolve, subscribe, sync. Steps name records by symbolic refs (a create binds its ref to
 * the id the client minted); written values derive from the step index (sim/values). Before
 * each write the device's view of the record is read and recorded with the write, so the
 * checkers know what the writer had seen. A step that has nothing to act on (its record is
 * not on the device, no conflict to resolve, a capability the client lacks) is recorded as
 * `user.skip`. sim/executor decides when an action runs and what a failure of it means.
 */
import type { SyncClient } from '../client/contract.ts';
import type { Subscription } from '../server/subscription.ts';
import type { DeviceHost } from './device.ts';
import type { Step } from './plan.ts';
import { initialFields, patchFor, resolutionFor } from './values.ts';
import { readConflicts, readRecord, readView } from './views.ts';
import type { World } from './world.ts';

/** A record a ref of the plan stands for. */
export interface RecordRef {
  collection: string;
  id: string;
}

export type UserStep = Extract<Step, { do: 'create' | 'update' | 'delete' | 'resolve' | 'sync' | 'subscribe' }>;

export const USER_ACTIONS = new Set(['create', 'update', 'delete', 'resolve', 'sync', 'subscribe']);

export interface UserActionsOptions {
  world: World;
  collections: readonly string[];
  /** The host of a device the plan declares (its first instance). */
  hostOf: (device: string) => DeviceHost;
  /** False for a client that declares no conflict inbox: its conflicts are not read, resolve steps are skipped. */
  conflictInbox: boolean;
  /** True for a client that declares `capabilities.subscriptions`: subscribe steps reach it. */
  subscriptionsCapable: boolean;
}

export class UserActions {
  /** Per ref of the plan: the record its create made. */
  readonly refs = new Map<string, RecordRef>();
  /** Per device: the subscription its last completed subscribe step set (absent: everything). */
  readonly subscriptions = new Map<string, Subscription | null>();
  private readonly world: World;
  private readonly collections: readonly string[];
  private readonly hostOf: (device: string) => DeviceHost;
  private readonly conflictInbox: boolean;
  private readonly subscriptionsCapable: boolean;

  constructor(options: UserActionsOptions) {
    this.world = options.world;
    this.collections = options.collections;
    this.hostOf = options.hostOf;
    this.conflictInbox = options.conflictInbox;
    this.subscriptionsCapable = options.subscriptionsCapable;
  }

  /** Runs one user action; `attempt` receives what the write carries before the client is called. */
  async run(
    client: SyncClient,
    step: UserStep,
    index: number,
    attempt: Record<string, unknown>,
    host: DeviceHost,
  ): Promise<void> {
    const trace = this.world.trace;
    const device = step.device;
    const on = host.instanceNumber === 1 ? {} : { instance: host.instanceNumber };
    switch (step.do) {
      case 'create': {
        const fields = initialFields(device, index, step.fields);
        Object.assign(attempt, { collection: step.collection, fields });
        const id = await client.create(step.collection, fields);
        this.refs.set(step.ref, { collection: step.collection, id });
        trace.record('user.create', {
          device,
          ...on,
          incarnation: this.hostOf(device).incarnation,
          step: index,
          collection: step.collection,
          id,
          fields,
        });
        return;
      }
      case 'update': {
        const target = this.refs.get(step.ref);
        const seen = target ? await readRecord(client, target.collection, target.id) : null;
        if (!target || !seen) return this.skip(device, index, `record ${step.ref} is not on the device`);
        const patch = patchFor(device, index, step.ops, seen);
        if (patch.length === 0) return this.skip(device, index, 'nothing to change');
        Object.assign(attempt, { collection: target.collection, id: target.id, patch });
        await client.update(target.collection, target.id, patch);
        trace.record('user.update', {
          device,
          ...on,
          step: index,
          collection: target.collection,
          id: target.id,
          patch,
          seen,
        });
        return;
      }
      case 'delete': {
        const target = this.refs.get(step.ref);
        const seen = target ? await readRecord(client, target.collection, target.id) : null;
        if (!target || !seen) return this.skip(device, index, `record ${step.ref} is not on the device`);
        Object.assign(attempt, { collection: target.collection, id: target.id });
        await client.delete(target.collection, target.id);
        trace.record('user.delete', { device, ...on, step: index, collection: target.collection, id: target.id, seen });
        return;
      }
      case 'resolve': {
        if (!this.conflictInbox) return this.skip(device, index, 'the client has no conflict inbox');
        const conflicts = await readConflicts(client);
        const conflict = conflicts[0];
        if (conflict === undefined) return this.skip(device, index, 'no conflict to resolve');
        const resolution = resolutionFor(step.choice, device, index, conflict.field, conflict.local, conflict.remote);
        Object.assign(attempt, { conflict, resolution });
        await client.resolve(conflict.id, resolution);
        trace.record('user.resolve', { device, ...on, step: index, conflict, resolution });
        return;
      }
      case 'subscribe': {
        if (!this.subscriptionsCapable || client.subscribe === undefined)
          return this.skip(device, index, 'the client does not declare capabilities.subscriptions');
        await client.subscribe(step.subscription);
        this.subscriptions.set(device, step.subscription);
        trace.record('user.subscribe', { device, ...on, step: index, subscription: step.subscription });
        return;
      }
      case 'sync': {
        const result = await client.sync();
        trace.record('user.sync', { device, ...on, step: index, result });
        const view = await readView(client, this.collections, this.conflictInbox);
        trace.record('device.view', { device: host.deviceId, reason: 'step', ...view });
        return;
      }
    }
  }

  /** Records that step `index` did nothing on `device`, and why. */
  skip(device: string, index: number, reason: string): void {
    this.world.trace.record('user.skip', { device, step: index, reason });
  }
}
