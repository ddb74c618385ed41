/**
 * @module check/invariants/no-duplicates
 * The server applies each op at most once; one client id is one record (a live record is
 * never created again, and one write's value never lands in two records); no view lists a
 * record twice; a counter never exceeds the increments users made. See docs/invariants.md.
 */
import { counterMax, counterTallies } from '../counters.ts';
import type { DeviceView, History } from '../history.ts';
import { type RecordKey, recordKey, show, tokensOfFields } from '../values.ts';
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
function viewDuplicates(view: DeviceView): Violation[] {
  const violations: Violation[] = [];
  const ids = new Set<RecordKey>();
  const owners = new Map<string, RecordKey>();
  for (const record of view.records) {
    const key = recordKey(record.collection, record.id);
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
    // The tokens of tokensOfFields, in its order, without a token object each (every record
    // of every view passes here).
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
function claim(view: DeviceView, owners: Map<string, RecordKey>, key: RecordKey, value: string, out: Violation[]) {
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

export const checkNoDuplicates: Checker = (history) => {
  const views = [...history.byDevice.values()].flatMap((device) => device.views);
  return [
    ...opsAppliedTwice(history),
    ...createsOfLiveRecords(history),
    ...tokensInTwoServerRecords(history),
    ...views.flatMap(viewDuplicates),
    ...counterOvercounts(history),
  ];
};
