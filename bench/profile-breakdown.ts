/**
 * Breaks a V8 CPU profile (`node --cpu-prof`) down by syncstorm component, by self time:
 * each sample goes to the first component that claims its stack, walking from the sampled
 * function outwards (so SQLite calls made by the reference client count as client SQLite,
 * a Request built by the transport as fetch objects). Run:
 * `npx tsx bench/profile-breakdown.ts <file.cpuprofile> [--after <ms>]`.
 * `--after <ms>` counts only samples taken that many ms after the profile began (leaves out
 * start-up; bench/seeds-in-process.ts prints the offset at which its measured seeds began).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Components in order of precedence: the innermost frame that matches one names the sample. */
const COMPONENTS: Array<[string, (frame: ProfileNode['callFrame']) => boolean]> = [
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['idle (waiting)', (f) => f.functionName === '(idle)'],
  [
    'module loading / TS transform',
    (f) => /internal\/modules\/|tsx\/dist|esbuild|source_map|cjs-module-lexer|bootstrap/.test(f.url),
  ],
  ['client SQLite (better-sqlite3 + store)', (f) => /better-sqlite3|client\/reference\/(store|schema)\.ts/.test(f.url)],
  ['trace recording + hashing', (f) => /kernel\/trace\.ts|crypto\/hash/.test(f.url)],
  ['checkers + history', (f) => /src\/check\//.test(f.url)],
  [
    'fetch objects (undici Request/Response, streams)',
    (f) => /undici|webstreams|event_target|abort_controller|encoding|internal\/url|internal\/blob/.test(f.url),
  ],
  ['server (handlers, store, zod)', (f) => /src\/server\/|zod|@msw|msw\//.test(f.url)],
  ['network simulation', (f) => /src\/net\//.test(f.url)],
  ['outside-waits hook', (f) => /outside-waits/.test(f.url)],
  [
    'virtual globals / AsyncLocalStorage',
    (f) => /virtual-globals|device-context|async_hooks|async_local_storage/.test(f.url),
  ],
  [
    'scheduler / event loop turns',
    (f) => /kernel\/(scheduler|heap|clock|virtual-timers)|timers|task_queues/.test(f.url),
  ],
  ['heal phase', (f) => /sim\/heal\.ts/.test(f.url)],
  ['run end (scratch folder, final state)', (f) => /rmdir|rmSync|scratch-dir|mkdtemp/.test(f.functionName + f.url)],
  ['reference client logic', (f) => /client\/reference\//.test(f.url)],
  ['simulator (sim/, kernel/)', (f) => /src\/(sim|kernel)\//.test(f.url)],
];

function breakdown(profile: Profile, afterUs: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sampleUs = new Map<number, number>();
  let atUs = 0;
  profile.samples.forEach((id, index) => {
    atUs += profile.timeDeltas[index] ?? 0;
    if (atUs >= afterUs) sampleUs.set(id, (sampleUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const totals = new Map<string, number>();
  for (const [id, us] of sampleUs) {
    const stack: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
      stack.push(byId.get(cur) as ProfileNode);
    let name = 'other (native, JSON, program)';
    outer: for (const node of stack) {
      for (const [component, claims] of COMPONENTS) {
        if (claims(node.callFrame)) {
          name = component;
          break outer;
        }
      }
    }
    totals.set(name, (totals.get(name) ?? 0) + us);
  }
  return totals;
}

const args = process.argv.slice(2);
const file = args[0];
if (file === undefined) {
  console.error('usage: profile-breakdown.ts <file.cpuprofile> [--after <ms>]');
  process.exit(2);
}
const afterIndex = args.indexOf('--after');
const afterMs = afterIndex >= 0 ? Number(args[afterIndex + 1]) : 0;
const totals = breakdown(JSON.parse(readFileSync(file, 'utf8')) as Profile, afterMs * 1000);
const sum = [...totals.values()].reduce((a, b) => a + b, 0);
for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1]))
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / sum).toFixed(1).padStart(5)} %  ${name}`);
console.log(`${(sum / 1000).toFixed(0).padStart(7)} ms total`);
