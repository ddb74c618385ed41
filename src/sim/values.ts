/**
 * @module sim/values
 * Turns a step's field operations into a concrete patch and initial fields, with the
 * unique values that make who-wrote-what checkable.
 */
import type { Fields, LocalRecord, PatchOp, Resolution } from '../client/contract.ts';
import { fieldKind, writtenValue } from './fields.ts';
import type { StepFieldOp } from './plan.ts';

export function initialFields(device: string, stepIndex: number, fields: readonly string[]): Fields {
  const out: Fields = { done: false, likes: 0 };
  for (const field of fields) {
    const value = writtenValue(device, stepIndex, field);
    out[field] = fieldKind(field) === 'set' ? [value] : value;
  }
  return out;
}

/**
 * The patch a step's ops become against what the device shows (`seen`). A toggle flips the
 * seen flag; a remove takes the smallest value the device sees in the set. Ops with
 * nothing to act on are left out.
 */
export function patchFor(
  writer: string,
  stepIndex: number,
  ops: readonly StepFieldOp[],
  seen: LocalRecord | null,
): PatchOp[] {
  const patch: PatchOp[] = [];
  for (const op of ops) {
    const value = writtenValue(writer, stepIndex, op.field);
    switch (op.op) {
      case 'set':
        patch.push({ op: 'set', field: op.field, value });
        break;
      case 'toggle':
        patch.push({ op: 'set', field: op.field, value: seen?.fields[op.field] !== true });
        break;
      case 'add':
        patch.push({ op: 'add', field: op.field, values: [value] });
        break;
      case 'remove': {
        const current = seen?.fields[op.field];
        const first = Array.isArray(current) ? [...current].sort()[0] : undefined;
        if (first !== undefined) patch.push({ op: 'remove', field: op.field, values: [first] });
        break;
      }
      case 'inc':
        patch.push({ op: 'inc', field: op.field, by: op.by });
        break;
    }
  }
  return patch;
}

/** The simulator's resolution rule: a merged set is the union; a merged scalar is a fresh written value. */
export function resolutionFor(
  choice: 'keep-local' | 'keep-remote' | 'merged',
  device: string,
  index: number,
  field: string | undefined,
  local: unknown,
  remote: unknown,
): Resolution {
  if (choice !== 'merged' || field === undefined) return { choice: choice === 'merged' ? 'keep-local' : choice };
  if (Array.isArray(local) || Array.isArray(remote)) {
    const union = new Set<string>([...(Array.isArray(local) ? local : []), ...(Array.isArray(remote) ? remote : [])]);
    return { choice: 'merged', value: [...union].sort() };
  }
  return { choice: 'merged', value: writtenValue(device, index, field) };
}
