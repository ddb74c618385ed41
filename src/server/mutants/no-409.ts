/**
 * @module server/mutants/no-409
 * Bug: the server ignores `baseRev` on updates and deletes and applies them on top of
 * whatever it holds (last write wins), so a writer that had not seen a concurrent change
 * overwrites it without a 409.
 */
import { readOp, type ServerMutant, withOp } from './handle.ts';

export const no409: ServerMutant = {
  name: 'no-409',
  description: 'Ignores baseRev on updates and deletes: a stale write overwrites instead of answering 409.',
  invariant: 'no-silent-loss',
  breaks: '409-on-stale-base-rev',
  wrap(next) {
    return async (request, deviceId) => {
      const read = await readOp(request);
      const conditional = read !== undefined && read.op.kind !== 'create' && typeof read.op.baseRev === 'number';
      if (!conditional || read.key === null) return next(request, deviceId);
      return next(withOp(request, { ...read.op, baseRev: null }, read.key), deviceId);
    };
  },
};
