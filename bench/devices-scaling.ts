/**
 * Cost per scheduler event at 3, 100 and 1,000 devices, measured in CPU time
 * (process.cpuUsage: the machine may be shared). Run:
 * `npx tsx bench/devices-scaling.ts [--devices 3,100,1000]`. Each size runs the reference
 * client on the calm profile, seed 1, in a fresh child process of its own, after a warm-up
 * run of 3 devices (loading and compiling not counted), with the V8 flags of the run children
 * (sim/supervisor's CHILD_V8_FLAGS). A size whose seed makes fewer than
 * EVENTS_MIN events (3 devices: 158) runs it again until it has.
 *
 * Why a process per size and repeated small seeds: a single 158-event seed moved by ±40 %
 * from run to run (one 50 ms measurement, mostly code not yet optimised and per-seed set-up),
 * and sizes measured in one process move each other: after a 1,000-device run a 3-device
 * seed cost about half as much, and after 32 runs of the 3-device seed a 1,000-device seed
 * cost 25–40 % more than in a fresh process (bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveClient } from '../src/client/resolve.ts';
import { runSeed } from '../src/sim/seed-run.ts';
import { CHILD_V8_FLAGS } from '../src/sim/supervisor.ts';

/** Events measured at least per size (the same seed run again as needed). */
export const EVENTS_MIN = 5_000;

export interface ScalingRow {
  devices: number;
  /** Events of all the runs of this size. */
  events: number;
  /** How many times the seed ran. */
  runs: number;
  cpuMs: number;
  usPerEvent: number;
}

/** Measures one size in this process (what each child does). */
async function measureOne(devices: number): Promise<ScalingRow> {
  const client = await resolveClient('reference');
  await runSeed({ seed: '0', client, profile: 'calm', devices: 3, opsPerDevice: 10, chaosMs: 60_000 });
  const opsPerDevice = devices >= 1000 ? 3 : 10;
  let [events, runs] = [0, 0];
  const before = process.cpuUsage();
  while (events < EVENTS_MIN) {
    const result = await runSeed({ seed: '1', client, profile: 'calm', devices, opsPerDevice, chaosMs: 60_000 });
    events += result.stats.events;
    runs++;
  }
  const cpu = process.cpuUsage(before);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { devices, events, runs, cpuMs, usPerEvent: (cpuMs * 1000) / events };
}

/** Runs each device count in a child process of its own and returns the CPU cost per event of each. */
export async function measureScaling(deviceCounts: readonly number[]): Promise<ScalingRow[]> {
  const script = fileURLToPath(import.meta.url);
  return deviceCounts.map((devices) => {
    // The V8 flags of the product's run children (sim/supervisor): a size costs what a run of it costs.
    const child = spawnSync(
      process.execPath,
      [...CHILD_V8_FLAGS, '--import', 'tsx', script, '--one', String(devices)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 20,
      },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{'))
      throw new Error(`devices-scaling: the ${devices}-device child failed (exit ${child.status}): ${line}`);
    return JSON.parse(line) as ScalingRow;
  });
}

export function printScaling(rows: readonly ScalingRow[]): void {
  console.log('devices   events  runs    CPU ms   µs/event   ratio to first');
  const first = rows[0]?.usPerEvent ?? 1;
  for (const row of rows)
    console.log(
      `${String(row.devices).padStart(7)}  ${String(row.events).padStart(7)}  ${String(row.runs).padStart(4)}  ${row.cpuMs.toFixed(0).padStart(8)}  ${row.usPerEvent.toFixed(1).padStart(9)}  ${(row.usPerEvent / first).toFixed(2).padStart(14)}x`,
    );
}

/** The device counts of `--devices 3,100,1000` in `args`, or those three. */
export function deviceCountsArg(args: readonly string[]): number[] {
  const index = args.indexOf('--devices');
  return index >= 0
    ? String(args[index + 1])
        .split(',')
        .map(Number)
    : [3, 100, 1000];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const one = args.indexOf('--one');
  if (one >= 0) console.log(JSON.stringify(await measureOne(Number(args[one + 1]))));
  else printScaling(await measureScaling(deviceCountsArg(args)));
}
