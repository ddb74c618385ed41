import { Trace } from './src/kernel/trace.ts';
const PAYLOAD = JSON.stringify({ opId: 'op-1', collection: 'todos', id: 'r-1', kind: 'update', baseRev: 3, patch: [{ op: 'set', field: 'title', value: 'hello world' }] });
async function time(name: string, n: number, fn: (i: number) => unknown) {
  for (let i = 0; i < 2000; i++) await fn(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  console.log(name.padEnd(40), ((performance.now() - t) / n * 1000).toFixed(2), 'us');
}
const N = 20000;
const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: PAYLOAD });
await time('floor', N, async () => { const r = new Request('http://sync.test/sync/ops', init()); const b: any = await r.json(); const res = Response.json({ opId: b.opId }); await res.json(); });
await time('new Request', N, () => new Request('http://sync.test/sync/ops', init()));
await time('new Request + headers.set', N, () => { const r = new Request('http://sync.test/sync/ops', init()); r.headers.set('x-syncstorm-device', 'A'); r.headers.get('idempotency-key') });
await time('request.json', N, async () => { const r = new Request('http://sync.test/sync/ops', init()); await r.json(); });
await time('Response.json + json', N, async () => { const res = Response.json({ opId: 'x' }); await res.json(); });
await time('Response.json + arrayBuffer', N, async () => { const res = Response.json({ opId: 'x' }); await res.arrayBuffer(); });
await time('Response.json + ab + new Response + json', N, async () => { const res = Response.json({ opId: 'x' }); const b = await res.arrayBuffer(); const r2 = new Response(b, { status: res.status, statusText: res.statusText, headers: res.headers }); await r2.json(); });
await time('... + defineProperty url', N, async () => { const res = Response.json({ opId: 'x' }); const b = await res.arrayBuffer(); const r2 = new Response(b, { status: res.status, statusText: res.statusText, headers: res.headers }); Object.defineProperty(r2, 'url', { value: 'http://x' }); await r2.json(); });
await time('Response.json + text + new Response(text)', N, async () => { const res = Response.json({ opId: 'x' }); const b = await res.text(); const r2 = new Response(b, { status: res.status, statusText: res.statusText, headers: res.headers }); await r2.json(); });
await time('Response.json + bytes(blob) + new Response', N, async () => { const res = Response.json({ opId: 'x' }); const b = await res.blob(); const r2 = new Response(b, { status: res.status, headers: res.headers }); await r2.json(); });
const tr = new Trace({ now: () => 0 });
await time('trace.record x4', N, () => { for (let k = 0; k < 4; k++) tr.record('net.send', { device: 'A', requestId: 'A#1', method: 'POST', path: '/sync/ops', key: 'k' }); });
const tr2 = new Trace({ now: () => 0, keep: false });
await time('trace.record x4 nokeep', N, () => { for (let k = 0; k < 4; k++) tr2.record('net.send', { device: 'A', requestId: 'A#1', method: 'POST', path: '/sync/ops', key: 'k' }); });
await time('setImmediate x2', N, async () => { await new Promise((r) => setImmediate(r)); await new Promise((r) => setImmediate(r)); });
await time('new URL', N, () => new URL('/sync/ops', 'http://sync.test'));
await time('abort listener add/remove', N, () => { const r = new Request('http://sync.test/sync/ops', init()); const l = () => {}; r.signal.addEventListener('abort', l, { once: true }); r.signal.removeEventListener('abort', l); });
