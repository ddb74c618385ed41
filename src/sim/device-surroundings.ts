/**
 * @module sim/device-surroundings
 * What the OS tells a device's app about its surroundings (`env.surroundings`): whether the
 * device is online and the app in the foreground, and the listeners the live incarnation
 * added for changes of either. The host sets the flags (sim/device's `setOnline`,
 * `setForeground`) and calls the listeners as the device's code; they die with the
 * incarnation that added them.
 */
import type { Surroundings, SurroundingsEvent } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import { type DeviceContext, runInDevice } from '../kernel/device-context.ts';
import type { Incarnation } from '../kernel/incarnation.ts';

export class DeviceSurroundings {
  online = true;
  foreground = true;
  private listeners: { event: SurroundingsEvent; listener: () => void }[] = [];

  /** Forgets every listener (the incarnation that added them died). */
  clear(): void {
    this.listeners = [];
  }

  /**
   * Calls the listeners of `event` inside `context`, each in the order it was added; one
   * that throws is reported (`report(what, error)`) while `life` lives.
   */
  emit(
    event: SurroundingsEvent,
    life: Incarnation,
    context: DeviceContext,
    report: (what: string, error: unknown) => void,
  ): void {
    for (const entry of this.listeners.filter((candidate) => candidate.event === event)) {
      try {
        runInDevice(context, entry.listener);
      } catch (error) {
        if (life.alive) report(`'${event}' listener threw`, error);
      }
    }
  }

  /** The surroundings as incarnation `life` sees them (`env.surroundings`). */
  view(life: Incarnation): Surroundings {
    const state = this;
    return {
      get online() {
        return state.online;
      },
      get foreground() {
        return state.foreground;
      },
      on(event: SurroundingsEvent, listener: () => void): () => void {
        assert(life.alive, `surroundings.on('${event}') called by a killed incarnation`);
        const entry = { event, listener };
        state.listeners.push(entry);
        return () => {
          state.listeners = state.listeners.filter((candidate) => candidate !== entry);
        };
      },
    };
  }
}
