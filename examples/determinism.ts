/**
 * @module examples/determinism
 * Prints one line per fuzz seed, `seed <n> <trace sha256> <violated invariants>`, for a
 * client module, so that two separate processes can be compared line by line (the
 * examples' ci.sh does). The seeds run one after the other in this process, so the
 * comparison also catches state that leaks from one run into the next.
 *
 * Usage: node --import tsx examples/determinism.ts <client> [--seeds N] [--seed-start N]
 *        [--devices N] [--ops N] [--profile calm|flaky|hostile]
 */
import { parseArgs } from 'node:util';
import { type ProfileName, resolveClient, runSeed } from '../src/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '50' },
    'seed-start': { type: 'string', default: '1' },
    devices: { type: 'string', default: '3' },
    ops: { type: 'string', default: '10' },
    profile: { type: 'string', default: 'flaky' },
  },
});

function count(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`[syncstorm] determinism: --${name} must be a whole number, got '${text}'\n`);
    process.exit(2);
  }
  return value;
}

const spec = positionals[0];
if (spec === undefined) {
  process.stderr.write('usage: node --import tsx examples/determinism.ts <client> [--seeds N]\n');
  process.exit(2);
}
const client = await resolveClient(spec);
const start = count('seed-start', values['seed-start']);
for (let seed = start; seed < start + count('seeds', values.seeds); seed++) {
  const result = await runSeed({
    seed: String(seed),
    client,
    profile: values.profile as ProfileName,
    devices: count('devices', values.devices),
    opsPerDevice: count('ops', values.ops),
  });
  const violated = [...new Set(result.violations.map((violation) => violation.invariant))].sort().join(',');
  process.stdout.write(`seed ${seed} ${result.traceHash} ${violated || '-'}\n`);
}
