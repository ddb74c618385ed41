/**
 * CPU time of processes, for benchmarks on a shared machine (where wall time says more about
 * the neighbours than about syncstorm). Linux: reads /proc/<pid>/stat (utime + stime, in
 * clock ticks of 10 ms). Elsewhere every figure is undefined and benchmarks print wall time only.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU ms used so far by process `pid` (all its threads), or undefined when it cannot be read. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU ms used so far by this process and by those of its children it has reaped (the
 * children of process clients are reaped when an incarnation is killed), or undefined.
 */
export function selfAndChildrenCpuMs(): number | undefined {
  return selfAndChildrenCpuSplitMs()?.totalMs;
}

/** Like selfAndChildrenCpuMs, split: the total, and the part spent in reaped children. */
export function selfAndChildrenCpuSplitMs(): { totalMs: number; childrenMs: number } | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const ticks = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 15)
      .map(Number);
    const [user, system, childrenUser, childrenSystem] = ticks as [number, number, number, number];
    const childrenMs = ((childrenUser + childrenSystem) * 1000) / TICKS_PER_SECOND;
    const totalMs = ((user + system) * 1000) / TICKS_PER_SECOND + childrenMs;
    return Number.isFinite(totalMs) ? { totalMs, childrenMs } : undefined;
  } catch {
    return undefined;
  }
}

/** Summed CPU ms of `pids`, undefined if any cannot be read. */
export function processesCpuMs(pids: readonly number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}
