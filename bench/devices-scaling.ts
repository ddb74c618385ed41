/**
 * Cost per scheduler event at 3, 100 and 1,000 devices, in one process, measured in CPU
 * time (process.cpuUsage: the machine may be shared). Run:
 * `npx tsx bench/devices-scaling.ts [--devices 3,100,1000]`. Each size runs the reference
 * client on the calm profile, one seed; a warm-up run first so that the first size does
 * not pay for loading and compiling. A size whose seed makes fewer than EVENTS_MIN events
 * (3 devices: 158) runs the same seed again until it has (a single 60 ms run moved by
 * ±40 % between runs on a shared machine).
 */
import { resolveClient } from '../src/client/resolve.ts';
import { runSeed } from '../src/sim/seed-run.ts';

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

/** Runs one seed per device count and returns the CPU cost per event of each. */
export async function measureScaling(deviceCounts: readonly number[]): Promise<ScalingRow[]> {
  const client = await resolveClient('reference');
  await runSeed({ seed: '0', client, profile: 'calm', devices: 3, opsPerDevice: 10, chaosMs: 60_000 });
  const rows: ScalingRow[] = [];
  for (const devices of deviceCounts) {
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
    rows.push({ devices, events, runs, cpuMs, usPerEvent: (cpuMs * 1000) / events });
  }
  return rows;
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
  printScaling(await measureScaling(deviceCountsArg(process.argv.slice(2))));
}
