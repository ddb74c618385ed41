/**
 * @module check/invariants/view-duplicates
 * Part of no-duplicates: no view lists a record twice, nor one write's value in two records.
 * Judging a view walks all its records; most views cannot hold either fault, and which ones
 * can is known from what changed (check/view-changes): the keys (and the values) shown in a
 * device's view are counted across its views, updated by the records added and removed only.
 * A view whose keys are all distinct and whose values are each in one record at most has no
 * such violation (the full walk below finds a key twice, or a value claimed by a record of
 * another key, only then); any other view gets the full walk, so the violations are the same.
 */
import type { LocalRecord } from '../../client/contract.ts';
import { isFrozenData } from '../../kernel/frozen.ts';
import type { DeviceHistory, DeviceView } from '../history.ts';
import { keyOf } from '../record-keys.ts';
import { type RecordKey, show } from '../values.ts';
import { viewChanges } from '../view-changes.ts';
import { type Violation, violation } from '../violation.ts';

/** A view listing one record twice, or one write's value in two records. */
function viewDuplicates(view: DeviceView): Violation[] {
  const violations: Violation[] = [];
  const ids = new Set<RecordKey>();
  const owners = new Map<unknown, RecordKey>();
  for (const record of view.records) {
    const key = keyOf(record);
    if (ids.has(key)) {
      const message = `${view.device}'s ${view.reason} view (seq ${view.seq}) lists ${key} twice`;
      violations.push(
        violation('no-duplicates', message, [view.seq], {
          device: view.device,
          collection: record.collection,
          recordId: record.id,
        }),
      );
      continue;
    }
    ids.add(key);
    // The tokens of tokensOfFields, in its order, without a token object each.
    const fields = record.fields;
    for (const field of Object.keys(fields)) {
      const value = fields[field];
      if (typeof value === 'string') claim(view, owners, key, value, violations);
      else if (Array.isArray(value)) for (const element of value) claim(view, owners, key, element, violations);
    }
  }
  return violations;
}

/** `key` shows the token `value`: it owns it, unless another record of the view did first. */
function claim(view: DeviceView, owners: Map<unknown, RecordKey>, key: RecordKey, value: unknown, out: Violation[]) {
  const owner = owners.get(value);
  if (owner === undefined) owners.set(value, key);
  else if (owner !== key) {
    const message = `${view.device}'s ${view.reason} view (seq ${view.seq}) shows the value ${show(value)} in two records, ${owner} and ${key}: one write shown as two records`;
    out.push(violation('no-duplicates', message, [view.seq], { device: view.device, actual: [owner, key] }));
  }
}

const valuesCache = new WeakMap<LocalRecord, unknown[]>();

/** The values viewDuplicates claims for a record, each once (remembered for a record of immutable data). */
function claimedValues(record: LocalRecord): unknown[] {
  const known = valuesCache.get(record);
  if (known !== undefined) return known;
  const values: unknown[] = [];
  const add = (value: unknown) => {
    if (!values.includes(value)) values.push(value);
  };
  const fields = record.fields;
  for (const field of Object.keys(fields)) {
    const value = fields[field];
    if (typeof value === 'string') add(value);
    else if (Array.isArray(value)) for (const element of value) add(element);
  }
  if (isFrozenData(record)) valuesCache.set(record, values);
  return values;
}

/** The violations of every view of one device, in view order. */
export function deviceViewDuplicates(device: DeviceHistory): Violation[] {
  const violations: Violation[] = [];
  // How many records of the current view hold each value, and how many values are in two or more.
  const holders = new Map<unknown, number>();
  let shared = 0;
  for (const change of viewChanges(device).changes) {
    for (const record of change.removed)
      for (const value of claimedValues(record)) {
        const count = holders.get(value)! - 1;
        if (count === 1) shared--;
        if (count === 0) holders.delete(value);
        else holders.set(value, count);
      }
    for (const record of change.added)
      for (const value of claimedValues(record)) {
        const count = (holders.get(value) ?? 0) + 1;
        if (count === 2) shared++;
        holders.set(value, count);
      }
    if (change.uniqueKeys && shared === 0) continue;
    violations.push(...viewDuplicates(change.view));
  }
  return violations;
}
