/**
 * @module client/mutants/new-key-per-retry
 * Bug: the first attempt of an op uses its op id, but every retry mints a new one ("a new
 * request, a new key"). When the first attempt was applied and only its answer was lost,
 * the retry is applied as a second op.
 */
import { syncOpOf } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const newKeyPerRetry = defineMutant({
  name: 'new-key-per-retry',
  description: 'Keeps the op id on the first attempt only; each retry gets a new key and may apply the write twice.',
  invariant: 'no-duplicates',
  options: {
    hooks: {
      wireOp(ctx, row) {
        const isRetry = row.attemptCount > 0;
        const opId = isRetry ? ctx.env.uuid() : row.opId;
        return { op: { ...syncOpOf(row), opId }, key: opId };
      },
    },
  },
});
