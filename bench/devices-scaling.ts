/**
 * Cost per scheduler event at 3, 100 and 1,000 devices, in one process, measured in CPU
 * time (process.cpuUsage: the machine may be shared). Run:
 * `npx tsx bench/devices-scaling.ts [--devices 3,100,1000]`. Each size runs the reference
 * client on the calm profile, one seed; a warm-up run first so that the first size does
 * not pay for loading and compiling.
 */
import { resolveClient } from '../src/client/resolve.ts';
import { runSeed } from '../src/sim/seed-run.ts';

export interface ScalingRow {
  devices: number;
  events: number;
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
    const before = process.cpuUsage();
    const result = await runSeed({ seed: '1', client, profile: 'calm', devices, opsPerDevice, chaosMs: 60_000 });
    const cpu = process.cpuUsage(before);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    rows.push({ devices, events: result.stats.events, cpuMs, usPerEvent: (cpuMs * 1000) / result.stats.events });
  }
  return rows;
}

export function printScaling(rows: readonly ScalingRow[]): void {
  console.log('devices   events    CPU ms   µs/event   ratio to first');
  const first = rows[0]?.usPerEvent ?? 1;
  for (const row of rows)
    console.log(
      `${String(row.devices).padStart(7)}  ${String(row.events).padStart(7)}  ${row.cpuMs.toFixed(0).padStart(8)}  ${row.usPerEvent.toFixed(1).padStart(9)}  ${(row.usPerEvent / first).toFixed(2).padStart(14)}x`,
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
