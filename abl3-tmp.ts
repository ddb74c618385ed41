import { Scheduler } from './src/kernel/scheduler.ts';
const PAYLOAD = { opId: 'op-1', collection: 'todos', id: 'r-1', kind: 'update', baseRev: 3, patch: [{ op: 'set', field: 'title', value: 'hello world' }] };
const handle = async (request: Request) => { const body = (await request.json()) as any; return Response.json({ opId: body.opId, record: { rev: 4 } }); };
async function floor(n: number) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const request = new Request('http://sync.test/sync/ops', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` }, body: JSON.stringify(PAYLOAD) });
    const response = await handle(request); await response.json();
  }
  return (performance.now() - t) / n * 1000;
}
async function minimal(n: number) {
  const scheduler = new Scheduler();
  const f = (input: string, init: RequestInit) => new Promise<Response>((resolve) => {
    const request = new Request(input, init);
    scheduler.after(10, 'd', () => { void handle(request).then((response) => { scheduler.after(10, 'r', () => resolve(response)); }); });
  });
  const loop = (async () => { for (let i = 0; i < n; i++) { const r = await f('http://sync.test/sync/ops', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` }, body: JSON.stringify(PAYLOAD) }); await r.json(); } })();
  const t = performance.now();
  await scheduler.run({ eventsMax: n * 10 });
  await loop;
  return (performance.now() - t) / n * 1000;
}
let bf = Infinity, bm = Infinity;
for (let r = 0; r < 8; r++) { bf = Math.min(bf, await floor(10000)); bm = Math.min(bm, await minimal(10000)); }
console.log('floor', bf.toFixed(1), 'minimal', bm.toFixed(1), (bm / bf).toFixed(2));
