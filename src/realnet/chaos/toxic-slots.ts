/**
 * @module realnet/chaos/toxic-slots
 * How a schedule's toxic changes reach a proxy without the deletes that crash Toxiproxy
 * 2.12: it panics when a toxic is added after toxics *before the last one of a stream* were
 * deleted while a connection was closing through them (its link keeps stages the chain no
 * longer has; see docs/real-network.md). So each toxic the schedule adds takes a slot, a
 * toxic named `syncstorm-<type>-<stream>-<n>`: a free slot of the same type and stream is
 * reused by updating its attributes and toxicity, else a new one is added; a schedule's
 * remove (and heal) frees the slot, and the caller deletes free slots only from the end of
 * their stream's chain (safe), setting any other to toxicity 0, which Toxiproxy runs as a
 * pass-through. The slots are syncstorm's; toxics of any other name are someone else's and
 * are never touched. Pure bookkeeping: the caller sends the calls.
 */
import { UsageError } from '../../kernel/errors.ts';
import { TOXIC_DEFAULTS, type ToxicType } from '../proxy/toxic-spec.ts';
import type { ToxicSpec } from './schedules.ts';

/** Name prefix of the toxics syncstorm owns on a proxy. */
export const SLOT_PREFIX = 'syncstorm-';
/** Bound on slots of one proxy (the schedules need a handful). */
export const SLOTS_MAX = 64;

export interface Slot {
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: ToxicSpec['stream'];
  toxicity: number;
  attributes: Record<string, number>;
  /** The schedule's name of the toxic in this slot; undefined: free (toxicity 0). */
  heldBy: string | undefined;
}

/** What to send: add a new slot's toxic, or set an existing slot's toxicity and attributes. */
export type SlotCall = { kind: 'add'; slot: Slot } | { kind: 'set'; slot: Slot };

/** Every attribute of the type, so a reused slot keeps nothing of its previous toxic. */
function fullAttributes(type: ToxicType, given: Record<string, number>): Record<string, number> {
  return { ...TOXIC_DEFAULTS[type], ...given };
}

export function isSlotName(name: string): boolean {
  return name.startsWith(SLOT_PREFIX);
}

export class ToxicSlots {
  private readonly slots: Slot[] = [];
  /** Slot numbers handed out per type and stream, so a name is never given twice. */
  private readonly numbers = new Map<string, number>();

  all(): readonly Slot[] {
    return this.slots;
  }

  /** A slot found on the proxy (left by an earlier run): adopted as free. */
  adopt(name: string, type: ToxicType, stream: ToxicSpec['stream'], attributes: Record<string, number>): Slot {
    const slot: Slot = { name, type, stream, toxicity: 0, attributes, heldBy: undefined };
    this.slots.push(slot);
    const number = Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
    this.numbers.set(`${type}-${stream}`, Math.max(number, this.numbers.get(`${type}-${stream}`) ?? 0));
    return slot;
  }

  private held(name: string): Slot {
    const slot = this.slots.find((candidate) => candidate.heldBy === name);
    if (slot === undefined) throw new UsageError(`schedule: no toxic '${name}' is in place`);
    return slot;
  }

  add(spec: ToxicSpec): SlotCall {
    if (this.slots.some((slot) => slot.heldBy === spec.name))
      throw new UsageError(`schedule: toxic '${spec.name}' is already in place`);
    const attributes = fullAttributes(spec.type, spec.attributes);
    const free = this.slots.find(
      (slot) => slot.heldBy === undefined && slot.type === spec.type && slot.stream === spec.stream,
    );
    if (free !== undefined) {
      Object.assign(free, { toxicity: spec.toxicity, attributes, heldBy: spec.name });
      return { kind: 'set', slot: free };
    }
    if (this.slots.length >= SLOTS_MAX) throw new UsageError(`schedule: more than ${SLOTS_MAX} toxics at once`);
    const number = (this.numbers.get(`${spec.type}-${spec.stream}`) ?? 0) + 1;
    this.numbers.set(`${spec.type}-${spec.stream}`, number);
    const name = `${SLOT_PREFIX}${spec.type}-${spec.stream}-${number}`;
    const slot: Slot = {
      name,
      type: spec.type,
      stream: spec.stream,
      toxicity: spec.toxicity,
      attributes,
      heldBy: spec.name,
    };
    this.slots.push(slot);
    return { kind: 'add', slot };
  }

  update(spec: ToxicSpec): SlotCall {
    const slot = this.held(spec.name);
    Object.assign(slot, { toxicity: spec.toxicity, attributes: fullAttributes(slot.type, spec.attributes) });
    return { kind: 'set', slot };
  }

  remove(name: string): SlotCall {
    const slot = this.held(name);
    Object.assign(slot, { toxicity: 0, heldBy: undefined });
    return { kind: 'set', slot };
  }

  /** Whether `name` is a free slot (one that may be deleted when it ends its stream's chain). */
  isFree(name: string): boolean {
    return this.slots.some((slot) => slot.name === name && slot.heldBy === undefined);
  }

  /** Forgets a slot whose toxic was deleted. */
  drop(name: string): void {
    const index = this.slots.findIndex((slot) => slot.name === name);
    if (index >= 0) this.slots.splice(index, 1);
  }

  /** Forgets every slot (their toxics were deleted); returns them. */
  clear(): Slot[] {
    return this.slots.splice(0, this.slots.length);
  }

  /** Every held slot freed (toxicity 0): the calls that make it so. */
  healAll(): SlotCall[] {
    return this.slots
      .filter((slot) => slot.heldBy !== undefined || slot.toxicity !== 0)
      .map((slot) => {
        Object.assign(slot, { toxicity: 0, heldBy: undefined });
        return { kind: 'set', slot } as const;
      });
  }
}
