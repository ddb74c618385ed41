/**
 * @module check/invariants/no-silent-loss
 * Every locally committed write is in the final server state, or was overwritten by a writer
 * that had seen it, or is surfaced as a conflict, or falls under a lossy policy (a declared
 * loss, counted and not failed). Also: a created record reaches the server, a committed
 * delete takes effect, and a counter does not end below the sum of its committed
 * increments. See docs/invariants.md.
 */

import type { MergePolicy } from '../../client/contract.ts';
import { counterMin, counterTallies } from '../counters.ts';
import type { History, RecordHistory, ServerApply, SimFinal, UserCreate, UserDelete } from '../history.ts';
import { explainTokenLoss, type PolicyExplanation, unseenServerState } from '../policies.ts';
import { knowingRestore } from '../restores.ts';
import { anyConflictOn, carryingApply, finalHolds, removingApply, surfacedBy } from '../server-facts.ts';
import { policyOf, recordKey, show } from '../values.ts';
import { type Checker, type DeclaredLoss, sortedSeqs, type Violation, violation } from '../violation.ts';
import { informedOverwriter, type WrittenToken, writtenOntoSeenDeletion, writtenTokens } from '../written-tokens.ts';

/** How each committed token ended. */
export interface WriteOutcomes {
  kept: number;
  overwritten: number;
  surfaced: number;
  declared: number;
  lost: number;
  /** Tokens of interrupted calls (not judged). */
  unknown: number;
}

export interface LossAnalysis {
  violations: Violation[];
  declaredLosses: DeclaredLoss[];
  outcomes: WriteOutcomes;
}

const cache = new WeakMap<History, LossAnalysis>();

type Outcome = 'kept' | 'overwritten' | 'surfaced' | 'declared' | 'lost';

function subject(token: WrittenToken, record: RecordHistory) {
  return { device: token.write.device, collection: record.collection, recordId: record.id };
}

function describe(token: WrittenToken): string {
  return `${token.write.device}'s write of ${token.field} ${token.kind === 'element' ? '∋' : '='} ${show(token.value)} on ${token.key} (seq ${token.write.seq})`;
}

function lostViolation(token: WrittenToken, record: RecordHistory, final: SimFinal): Violation {
  const carry = carryingApply(record, token.field, token.value);
  const actual =
    record.final === undefined ? 'absent' : record.final.deleted ? 'deleted' : record.final.fields[token.field];
  const tail = 'no writer that had seen it replaced it and no device surfaces it as a conflict';
  const extra = { ...subject(token, record), expected: token.value, actual: actual ?? null };
  if (carry === undefined) {
    const message = `${describe(token)} never reached the server and is not in the final state; ${tail}`;
    return violation('no-silent-loss', message, [token.write.seq, final.seq], extra);
  }
  const removal = removingApply(record, carry, token.field, token.value);
  const how = removal?.deleted ? 'deleted' : 'overwritten';
  const message =
    removal === undefined
      ? `${describe(token)} reached the server at rev ${carry.revAfter} but is not in the final state; ${tail}`
      : `${describe(token)} reached the server at rev ${carry.revAfter} and was ${how} at rev ${removal.revAfter} by ${removal.device} (op ${removal.opId}); ${tail}`;
  const events = [token.write.seq, carry.seq, final.seq, ...(removal ? [removal.seq] : [])];
  return violation('no-silent-loss', message, events, extra);
}

function judge(token: WrittenToken, record: RecordHistory, final: SimFinal, result: LossAnalysis): Outcome {
  if (finalHolds(record, token.field, token.value)) return 'kept';
  if (informedOverwriter(record, token) !== undefined || writtenOntoSeenDeletion(record, token)) return 'overwritten';
  if (surfacedBy(final, token.key, token.field, token.value).length > 0) return 'surfaced';
  const explained = explainTokenLoss(final.policy, record, token);
  if (explained !== undefined) {
    const { policy, winner } = explained;
    const what =
      policy === 'delete-wins'
        ? 'a concurrent delete'
        : policy === 'server-wins'
          ? "the server's state"
          : 'a concurrent write';
    const whose = policy === 'delete-wins' ? 'declared delete policy' : `declared policy of ${token.field}`;
    const message = `${describe(token)} lost to ${what} (seq ${winner.seq}) under the ${whose} '${policy}'`;
    result.declaredLosses.push({
      device: token.write.device,
      collection: record.collection,
      recordId: record.id,
      field: token.field,
      policy,
      value: token.value,
      message,
      events: [token.write.seq, winner.seq],
    });
    return 'declared';
  }
  result.violations.push(lostViolation(token, record, final));
  return 'lost';
}

/** A create whose record the server never saw (no apply, not in the final state), unexplained. */
function lostCreate(create: UserCreate, record: RecordHistory, final: SimFinal): Violation | undefined {
  if (record.applies.length > 0 || record.final !== undefined) return undefined;
  const deletedKnowingly = record.writes.some((write) => write.type === 'user.delete' && write.seen !== null);
  if (deletedKnowingly || anyConflictOn(final, record.key)) return undefined;
  const message = `record ${record.key} created by ${create.device} (seq ${create.seq}) never reached the server, was not deleted by anyone who had seen it and is not surfaced as a conflict`;
  return violation('no-silent-loss', message, [...record.writes.map((write) => write.seq), final.seq], {
    device: create.device,
    collection: record.collection,
    recordId: record.id,
    expected: 'on the server',
    actual: 'absent',
  });
}

/**
 * The default policy that explains a delete undone: 'lww' when another device's write landed
 * after it; 'server-wins' when the delete never reached the server and the server held a
 * change the deleter had not seen. Under 'delete-wins' no concurrent write may undo a delete.
 */
function explainDeleteLoss(
  policy: MergePolicy,
  record: RecordHistory,
  write: UserDelete,
  applied: ServerApply | undefined,
): PolicyExplanation | undefined {
  if (policy.deletes === 'delete-wins') return undefined;
  if (policy.default === 'lww') {
    const winner = record.applies.find((apply) => apply.seq > write.seq && apply.device !== write.device);
    return winner === undefined ? undefined : { policy: 'lww', winner };
  }
  if (policy.default === 'server-wins' && applied === undefined) {
    const winner = unseenServerState(record, write, (apply) => !apply.deleted);
    return winner === undefined ? undefined : { policy: 'server-wins', winner };
  }
  return undefined;
}

/**
 * A committed delete whose record is live in the final server state: it was neither carried
 * out nor knowingly taken back (restore), nor surfaced as a conflict; a declared loss when
 * the default policy explains it (see `explainDeleteLoss`), never under 'delete-wins'.
 */
function lostDelete(write: UserDelete, record: RecordHistory, final: SimFinal, result: LossAnalysis): Outcome {
  if (record.final === undefined || record.final.deleted) return 'kept';
  const applied = record.applies.find(
    (apply) => apply.seq > write.seq && apply.deleted && apply.device === write.device,
  );
  if (knowingRestore({ record, by: write.device, decided: write.seq, applied }) !== undefined) return 'overwritten';
  if (anyConflictOn(final, record.key)) return 'surfaced';
  const from = applied?.seq ?? write.seq;
  const revival = record.applies.find((apply) => apply.seq > from && !apply.deleted);
  const events = [write.seq, ...(applied ? [applied.seq] : []), ...(revival ? [revival.seq] : []), final.seq];
  const where = { collection: record.collection, recordId: record.id };
  const declared = explainDeleteLoss(final.policy, record, write, applied);
  if (declared !== undefined) {
    const message = `${write.device}'s delete of ${record.key} (seq ${write.seq}) lost to a concurrent write (seq ${declared.winner.seq}) under the declared '${declared.policy}' default policy`;
    const loss = {
      device: write.device,
      field: '(record)',
      policy: declared.policy,
      value: 'deleted',
      message,
      events: sortedSeqs([...events, declared.winner.seq]),
    };
    result.declaredLosses.push({ ...where, ...loss });
    return 'declared';
  }
  const how = applied ? `was applied at rev ${applied.revAfter}` : 'never reached the server';
  const after = revival ? `, revived at rev ${revival.revAfter} by ${revival.device} (op ${revival.opId})` : '';
  const message = `${write.device}'s delete of ${record.key} (seq ${write.seq}) ${how}${after}, yet the record is live in the final state (rev ${record.final.rev}); nobody restored it knowingly and no device surfaces a conflict on it`;
  result.violations.push(
    violation('no-silent-loss', message, events, {
      ...where,
      device: write.device,
      expected: 'deleted',
      actual: 'live',
    }),
  );
  return 'lost';
}

function counterLosses(history: History, final: SimFinal, result: LossAnalysis): void {
  for (const tally of counterTallies(history)) {
    const minimum = counterMin(tally);
    if (minimum === undefined || tally.final >= minimum) continue;
    const missing = minimum - tally.final;
    const text = `counter ${tally.key}.${tally.field} ends at ${tally.final} on the server, ${missing} below the ${tally.committed} committed by users on a base of ${tally.base}`;
    const events = [...tally.writeSeqs, ...tally.applySeqs, final.seq];
    const where = { collection: tally.collection, recordId: tally.id };
    const policy = policyOf(final.policy, tally.field);
    if (policy === 'lww' || policy === 'server-wins') {
      const loss = { device: tally.devices[0] ?? '', field: tally.field, policy, value: missing, events };
      result.declaredLosses.push({ ...where, ...loss, message: `${text} (declared '${policy}')` });
    } else {
      result.violations.push(
        violation('no-silent-loss', text, events, { ...where, expected: minimum, actual: tally.final }),
      );
    }
  }
}

/** Judges every committed write once per history (cached): violations, declared losses, outcome counts. */
export function analyzeLosses(history: History): LossAnalysis {
  const cached = cache.get(history);
  if (cached !== undefined) return cached;
  const outcomes: WriteOutcomes = { kept: 0, overwritten: 0, surfaced: 0, declared: 0, lost: 0, unknown: 0 };
  const result: LossAnalysis = { violations: [], declaredLosses: [], outcomes };
  const final = history.final;
  if (final !== undefined) {
    const lostRecords = new Set<string>();
    for (const write of history.writes) {
      if (write.type !== 'user.create') continue;
      const record = history.byRecord.get(recordKey(write.collection, write.id))!;
      const lost = lostCreate(write, record, final);
      if (lost !== undefined && !lostRecords.has(record.key)) {
        lostRecords.add(record.key);
        result.violations.push(lost);
      }
    }
    for (const write of history.writes) {
      if (write.type !== 'user.delete') continue;
      outcomes[lostDelete(write, history.byRecord.get(recordKey(write.collection, write.id))!, final, result)]++;
    }
    const { tokens, interrupted } = writtenTokens(history);
    outcomes.unknown = interrupted.size;
    for (const token of tokens) {
      if (lostRecords.has(token.key)) continue;
      outcomes[judge(token, history.byRecord.get(token.key)!, final, result)]++;
    }
    counterLosses(history, final, result);
  }
  cache.set(history, result);
  return result;
}

export const checkNoSilentLoss: Checker = (history) => analyzeLosses(history).violations;
