/**
 * @module client/mutants/no-idempotency-key
 * Bug: ops carry no stable identity. Every request gets a freshly minted op id (the
 * server's required Idempotency-Key header carries it, but it means nothing), so a retry
 * after a lost response is a new op: the server applies the write a second time (after a
 * 409 on the now stale baseRev, the merge resends it; increments count twice).
 */
import { syncOpOf } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const noIdempotencyKey = defineMutant({
  name: 'no-idempotency-key',
  description: 'Mints a new op id for every request, so a retry after a lost response is applied again.',
  invariant: 'no-duplicates',
  options: {
    hooks: {
      wireOp(ctx, row) {
        const opId = ctx.env.uuid();
        return { op: { ...syncOpOf(row), opId }, key: opId };
      },
    },
  },
});
