import { Incarnation } from './src/kernel/incarnation.ts';
import { Rng } from './src/kernel/rng.ts';
import { Scheduler } from './src/kernel/scheduler.ts';
import { Trace } from './src/kernel/trace.ts';
import { Network, type SimServer } from './src/net/index.ts';
const PAYLOAD = { opId: 'op-1', collection: 'todos', id: 'r-1', kind: 'update', baseRev: 3, patch: [{ op: 'set', field: 'title', value: 'hello world' }] };
const echo: SimServer = { async handle(request) { const body = (await request.json()) as any; return Response.json({ opId: body.opId, record: { rev: 4 } }); } };
const mode = process.argv[2];
if (mode === 'notrace') (Trace.prototype as any).record = function () { return {}; };
async function floor(n: number) {
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const request = new Request('http://sync.test/sync/ops', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` }, body: JSON.stringify(PAYLOAD) });
    const body: any = await request.json(); const response = Response.json({ opId: body.opId, record: { rev: 4 } }); await response.json();
  }
  { const u = process.cpuUsage(c); return (u.user + u.system) / n; }
}
async function sim(n: number) {
  const scheduler = new Scheduler();
  const trace = new Trace({ now: () => scheduler.now() });
  const network = new Network({ scheduler, rng: new Rng('bench'), trace, server: echo });
  const f = network.fetchFor(new Incarnation('D', 0));
  const loop = (async () => { for (let i = 0; i < n; i++) { const r = await f('http://sync.test/sync/ops', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` }, body: JSON.stringify(PAYLOAD) }); await r.json(); } })();
  const c = process.cpuUsage();
  await scheduler.run({ eventsMax: n * 10 });
  await loop;
  { const u = process.cpuUsage(c); return (u.user + u.system) / n; }
}
let bf = Infinity, bs = Infinity;
for (let r = 0; r < 14; r++) { bf = Math.min(bf, await floor(10000)); bs = Math.min(bs, await sim(10000)); }
console.log(mode ?? 'full', 'floor', bf.toFixed(1), 'sim', bs.toFixed(1), 'ratio', (bs / bf).toFixed(2));
