import { loadScenario } from './src/scenario/load.ts';
import { runScenario } from './src/scenario/run.ts';
import { resolveClient } from './src/client/resolve.ts';
setTimeout(() => process.exit(3), 8000);
const s = loadScenario('scenarios/mutants/no-sync-on-reconnect.json');
await runScenario(s, await resolveClient(s.client!));
console.log('done');
