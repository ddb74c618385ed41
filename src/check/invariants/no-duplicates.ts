/**
 * @module check/invariants/no-duplicates
 * The server applies each op at most once; one client id is one record (a live record is
 * never created again, and one write's value never lands in two records); no view lists a
 * record twice; a counter never exceeds the increments users made. See docs/invariants.md.
 */
import type { LocalRecord } from '../../client/contract.ts';
import { counterMax, counterTallies } from '../counters.ts';
import type { DeviceView, History } from '../history.ts';
import { keyOf } from '../record-keys.ts';
import { type RecordKey, recordKey, show, tokensOfFields } from '../values.ts';
import { viewChanges } from '../view-changes.ts';
import { type Checker, type Violation, violation } from '../violation.ts';
import { writtenTokens } from '../written-tokens.ts';

function opsAppliedTwice(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const op of history.byOp.values()) {
    if (op.applies.length < 2) continue;
    const first = op.applies[0]!;
    const message = `op ${op.opId} from ${first.device} was applied ${op.applies.length} times to ${first.collection}/${first.id} (revs ${op.applies.map((apply) => apply.revAfter).join(', ')}); a repeat must be a replay`;
    violations.push(
      violation(
        'no-duplicates',
        message,
        op.applies.map((apply) => apply.seq),
        {
          device: first.device,
          collection: first.collection,
          recordId: first.id,
          expected: 1,
          actual: op.applies.length,
        },
      ),
    );
  }
  return violations;
}

/** A create applied to a record that is live on the server (it was created before and not deleted). */
function createsOfLiveRecords(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const record of history.byRecord.values()) {
    let live: { seq: number; opId: string } | undefined;
    for (const apply of record.applies) {
      if (apply.kind === 'create' && live !== undefined) {
        const message = `${record.key} was created again by ${apply.device} (op ${apply.opId}) while live since op ${live.opId}; one client id must be one record`;
        violations.push(
          violation('no-duplicates', message, [live.seq, apply.seq], {
            device: apply.device,
            collection: record.collection,
            recordId: record.id,
          }),
        );
      }
      if (apply.deleted) live = undefined;
      else if (live === undefined) live = { seq: apply.seq, opId: apply.opId };
    }
  }
  return violations;
}

/** One write's token in two server records: one user write became two records (e.g. a server-assigned id). */
function tokensInTwoServerRecords(history: History): Violation[] {
  const owners = new Map<string, { key: RecordKey; seq: number }>();
  const flagged = new Set<number>();
  const violations: Violation[] = [];
  const { tokens } = writtenTokens(history);
  const writers = new Map(tokens.map((token) => [token.value, token]));
  for (const apply of history.applies) {
    const key = recordKey(apply.collection, apply.id);
    for (const token of tokensOfFields(apply.fields)) {
      const writer = writers.get(token.value);
      if (writer === undefined) continue;
      const owner = owners.get(token.value);
      if (owner === undefined) owners.set(token.value, { key, seq: apply.seq });
      else if (owner.key !== key && !flagged.has(writer.write.seq)) {
        flagged.add(writer.write.seq);
        const message = `the value ${show(token.value)} written once by ${writer.write.device} (seq ${writer.write.seq}) is in two server records, ${owner.key} and ${key}`;
        violations.push(
          violation('no-duplicates', message, [writer.write.seq, owner.seq, apply.seq], {
            device: writer.write.device,
            expected: writer.key,
            actual: [owner.key, key],
          }),
        );
      }
    }
  }
  return violations;
}

/** A view listing one record twice, or one write's value in two records. */
export function viewDuplicates(view: DeviceView): Violation[] {
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
    claimedValues(record, (value) => claim(view, owners, key, value, violations));
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

function counterOvercounts(history: History): Violation[] {
  const final = history.final;
  if (final === undefined) return [];
  return counterTallies(history).flatMap((tally) => {
    const maximum = counterMax(tally);
    if (tally.final <= maximum) return [];
    const message = `counter ${tally.key}.${tally.field} ends at ${tally.final} on the server, above the ${maximum} that the base ${tally.base} and the users' increments allow: an increment was applied twice`;
    return [
      violation('no-duplicates', message, [...tally.writeSeqs, ...tally.applySeqs, final.seq], {
        collection: tally.collection,
        recordId: tally.id,
        expected: maximum,
        actual: tally.final,
      }),
    ];
  });
}

/**
 * The values a record claims, in order: its string fields and the elements of its list
 * fields (the tokens of tokensOfFields, without a token object each).
 */
function claimedValues(record: LocalRecord, each: (value: unknown) => void): void {
  const fields = record.fields;
  for (const field of Object.keys(fields)) {
    const value = fields[field];
    if (typeof value === 'string') each(value);
    else if (Array.isArray(value)) for (const element of value) each(element);
  }
}

/**
 * The record objects of all views that claim a value some record with another key also
 * claims, looking at each record object once (the views of a device share unchanged records,
 * and the reference client's devices share theirs). A view can show one value in two records
 * only if it lists two of these.
 */
function sharingRecords(history: History): Set<LocalRecord> {
  const seen = new Set<LocalRecord>();
  const owners = new Map<unknown, RecordKey>();
  const shared = new Set<unknown>();
  // Every record of every view is in the device's first view or added by a later one
  // (check/view-changes): 683,000 records to look at instead of 1.4 million at 1,000 devices.
  for (const device of history.byDevice.values())
    for (const change of viewChanges(device).changes)
      for (const record of change.added) {
        if (seen.has(record)) continue;
        seen.add(record);
        const key = keyOf(record);
        claimedValues(record, (value) => {
          const owner = owners.get(value);
          if (owner === undefined) owners.set(value, key);
          else if (owner !== key) shared.add(value);
        });
      }
  const sharing = new Set<LocalRecord>();
  if (shared.size > 0)
    for (const record of seen)
      claimedValues(record, (value) => {
        if (shared.has(value)) sharing.add(record);
      });
  return sharing;
}

/**
 * viewDuplicates of every view that can have one: a view that lists each key once (as
 * check/view-changes counts them) and no record claiming a value another key claims has
 * none, and is not walked record by record (at 1,000 devices, 7,000 views of hundreds of
 * records each).
 */
function viewsDuplicates(history: History): Violation[] {
  const sharing = sharingRecords(history);
  const violations: Violation[] = [];
  for (const device of history.byDevice.values()) {
    const { changes } = viewChanges(device);
    device.views.forEach((view, index) => {
      const uniqueKeys = changes[index]?.uniqueKeys === true;
      if (uniqueKeys && (sharing.size === 0 || !view.records.some((record) => sharing.has(record)))) return;
      violations.push(...viewDuplicates(view));
    });
  }
  return violations;
}

export const checkNoDuplicates: Checker = (history) => [
  ...opsAppliedTwice(history),
  ...createsOfLiveRecords(history),
  ...tokensInTwoServerRecords(history),
  ...viewsDuplicates(history),
  ...counterOvercounts(history),
];
