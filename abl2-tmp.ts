const PAYLOAD = { opId: 'op-1', collection: 'todos', id: 'r-1', kind: 'update', baseRev: 3, patch: [{ op: 'set', field: 'title', value: 'hello world' }] };
const tick = () => new Promise((r) => setImmediate(r));
async function floor(n: number, yields: number) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const request = new Request('http://sync.test/sync/ops', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` }, body: JSON.stringify(PAYLOAD) });
    const body: any = await request.json(); const response = Response.json({ opId: body.opId, record: { rev: 4 } }); await response.json();
    for (let y = 0; y < yields; y++) await tick();
  }
  return (performance.now() - t) / n * 1000;
}
async function ticks(n: number) { const t = performance.now(); for (let i = 0; i < n; i++) { await tick(); await tick(); } return (performance.now() - t) / n * 1000; }
let b0 = Infinity, b2 = Infinity, bt = Infinity;
for (let r = 0; r < 8; r++) { b0 = Math.min(b0, await floor(10000, 0)); b2 = Math.min(b2, await floor(10000, 2)); bt = Math.min(bt, await ticks(10000)); }
console.log('floor', b0.toFixed(1), 'floor+2 yields', b2.toFixed(1), '2 yields alone', bt.toFixed(1));
