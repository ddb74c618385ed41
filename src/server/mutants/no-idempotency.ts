/**
 * @module server/mutants/no-idempotency
 * Bug: a repeated Idempotency-Key with the same body is applied again instead of replayed
 * (the server forgets keys, or stores them only after a commit that a retry overtakes). A
 * retried increment counts twice; a retried create answers 409 `exists`.
 */
import { opFingerprint, readOp, restoreOpId, type ServerMutant, withOp } from './handle.ts';

export const noIdempotency: ServerMutant = {
  name: 'no-idempotency',
  description: 'Re-applies a repeated Idempotency-Key instead of replaying the stored answer.',
  invariant: 'no-duplicates',
  breaks: 'one-apply-per-key',
  wrap(next) {
    const applied = new Map<string, string>();
    let count = 0;
    return async (request, deviceId) => {
      const read = await readOp(request);
      if (read === undefined || read.key === null) return next(request, deviceId);
      const fingerprint = opFingerprint(read.op);
      if (applied.get(read.key) === fingerprint) {
        const fresh = `${read.op.opId}~again-${++count}`;
        return restoreOpId(await next(withOp(request, { ...read.op, opId: fresh }, fresh), deviceId), read.op.opId);
      }
      const response = await next(request, deviceId);
      if (response.ok) applied.set(read.key, fingerprint);
      return response;
    };
  },
};
