/**
 * @module server/mutants/key-reuse-accepted
 * Bug: an Idempotency-Key reused with a different body is applied as a new op instead of
 * being refused with 422 (the server keys its store by key alone and never compares
 * bodies). A client that reuses keys by mistake gets its second write applied silently.
 */
import { opFingerprint, readOp, restoreOpId, type ServerMutant, withOp } from './handle.ts';

export const keyReuseAccepted: ServerMutant = {
  name: 'key-reuse-accepted',
  description: 'Applies a reused Idempotency-Key with a different body instead of answering 422.',
  invariant: undefined,
  unobservable:
    'only a client that reuses a key for a different op is hurt, and neither the reference client nor a catalogue mutant does that; conform catches it',
  breaks: '422-on-key-reuse',
  wrap(next) {
    const stored = new Map<string, string>();
    let count = 0;
    return async (request, deviceId) => {
      const read = await readOp(request);
      if (read === undefined || read.key === null) return next(request, deviceId);
      const fingerprint = opFingerprint(read.op);
      const previous = stored.get(read.key);
      if (previous !== undefined && previous !== fingerprint) {
        const fresh = `${read.op.opId}~reused-${++count}`;
        return restoreOpId(await next(withOp(request, { ...read.op, opId: fresh }, fresh), deviceId), read.op.opId);
      }
      const response = await next(request, deviceId);
      if (response.ok) stored.set(read.key, fingerprint);
      return response;
    };
  },
};
