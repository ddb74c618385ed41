/**
 * @module client/mutants/in-memory-outbox
 * Bug: the outbox lives in memory only (here: a TEMP table, which shadows the durable one
 * and vanishes with the connection). Writes made offline are shown as pending, but a kill
 * forgets them: after a restart the pending count is 0 and they are never sent.
 */
import { OUTBOX_COLUMNS_SQL } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const inMemoryOutbox = defineMutant({
  name: 'in-memory-outbox',
  description: 'Keeps the outbox in memory only; a kill loses every write not yet sent.',
  invariant: 'durability',
  options: {
    hooks: {
      afterSchema(db) {
        db.exec(`CREATE TEMP TABLE outbox (${OUTBOX_COLUMNS_SQL})`);
      },
    },
  },
});
