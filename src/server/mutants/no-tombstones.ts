/**
 * @module server/mutants/no-tombstones
 * Bug: deleted records vanish from `GET /changes` instead of coming as tombstones, so a
 * device that pulls deltas never learns of a delete and keeps showing the record.
 */
import { ROUTES, type ServerRecord } from '../protocol.ts';
import { editJson, type ServerMutant } from './handle.ts';

export const noTombstones: ServerMutant = {
  name: 'no-tombstones',
  description: 'Leaves deleted records out of GET /changes instead of sending tombstones.',
  invariant: 'no-resurrection',
  breaks: 'tombstones-in-deltas',
  wrap(next) {
    return async (request, deviceId) => {
      const response = await next(request, deviceId);
      if (new URL(request.url).pathname !== ROUTES.changes || !response.ok) return response;
      return editJson(response, (body) => {
        const changes = Array.isArray(body.changes) ? (body.changes as ServerRecord[]) : [];
        return { ...body, changes: changes.filter((record) => record.deleted !== true) };
      });
    };
  },
};
