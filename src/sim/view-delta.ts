/**
 * @module sim/view-delta
 * How the simulator's trace writes `device.view` events: each device's view as the change
 * since its previous view (kernel/trace-delta), keyed like sim/views orders it
 * (`collection + id`). The checkers read whole views (Trace.events gives them back); only
 * the hashed lines are smaller. A device shows every record, so at 1,000 devices whole
 * views were gigabytes of trace per run. `sim.final` holds every device's final view again:
 * each is written as its change since that device's last view (none: it was just recorded).
 */
import type { ListDeltaSpec } from '../kernel/trace-delta.ts';

function viewKey(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { collection, id } = item as { collection?: unknown; id?: unknown };
  return typeof collection === 'string' && typeof id === 'string' ? collection + id : undefined;
}

export const VIEW_DELTA: ListDeltaSpec = Object.freeze({
  type: 'device.view',
  list: 'records',
  stream: 'device',
  key: viewKey,
  // sim.final repeats each device's final view (just recorded): written as no change.
  embedded: { type: 'sim.final', field: 'devices' },
});
