import { it } from 'vitest';
import { createReferenceClient } from '../../src/client/reference/index.ts';
import { createSynced, Harness } from '../../test/client/harness.ts';
it('dbg', async () => {
  const harness = new Harness();
  const a = await harness.device('a', createReferenceClient());
  const id = await createSynced(harness, a, { title: 't0', likes: 0 });
  harness.addNetworkRule({ match: { device: 'a', path: '/sync/ops', nth: 1 }, verdict: { type: 'drop-response' } });
  await harness.call(a, (client) => client.update('notes', id, [{ op: 'inc', field: 'likes', by: 1 }]));
  await harness.run(120_000);
  for (const e of harness.trace.events()) console.log(JSON.stringify(e));
  harness.close();
});
