const PAYLOAD = { opId: 'op-1', collection: 'todos', id: 'r-1', kind: 'update', baseRev: 3, patch: [{ op: 'set', field: 'title', value: 'hello world' }] };
const handle = async (request: Request) => { const body = (await request.json()) as any; return Response.json({ opId: body.opId, record: { rev: 4 } }); };
async function run(n: number, mode: string) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const request = new Request('http://sync.test/sync/ops', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` }, body: JSON.stringify(PAYLOAD) });
    if (mode === 'header') request.headers.set('X-Syncstorm-Device', 'D');
    if (mode === 'get') request.headers.get('Idempotency-Key');
    if (mode === 'url') { const u = request.url; u.startsWith('http://sync.test'); }
    if (mode === 'method') request.method;
    const response = await handle(request);
    if (mode === 'define') Object.defineProperty(response, 'url', { value: 'http://sync.test/sync/ops', configurable: true });
    if (mode === 'type') { response.type; response.bodyUsed; response.status; }
    await response.json();
  }
  return (performance.now() - t) / n * 1000;
}
const modes = ['none', 'header', 'get', 'url', 'method', 'define', 'type'];
const best: Record<string, number> = {};
for (let r = 0; r < 6; r++) for (const m of modes) best[m] = Math.min(best[m] ?? Infinity, await run(8000, m));
console.log(Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('  '));
