// Goal: virtual time never moves past real work a device awaits (WebCrypto, a file read, a
// real timer), and a wait that never ends is given up after the bound and described with
// its kind and call site, which is what the watchdog then reports instead of "did not
// settle within N virtual ms". Method: a scheduler with an OutsideWaits, device code run
// with runInDevice; assertions on virtual times and messages, never on real durations.
import { readFile } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DeviceClock } from '../../src/kernel/clock.ts';
import { createDeviceContext, type DeviceContext, runInDevice } from '../../src/kernel/device-context.ts';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { LeakLog } from '../../src/kernel/leaks.ts';
import { OutsideWaits, trackedCount } from '../../src/kernel/outside-waits.ts';
import { REAL } from '../../src/kernel/real-time.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { installVirtualGlobals } from '../../src/kernel/virtual-globals.ts';
import { drive } from '../../src/sim/watchdog.ts';

installVirtualGlobals();

function world(options: { virtualize?: boolean; waitMsMax?: number } = {}) {
  const scheduler = new Scheduler();
  const outside = new OutsideWaits(options.waitMsMax);
  scheduler.outside = outside;
  const owner = new Incarnation('phone', 0);
  const clock = new DeviceClock({ scheduler, owner });
  const context: DeviceContext = createDeviceContext({
    deviceId: 'phone',
    incarnation: owner,
    clock,
    random: new Rng('s'),
    virtualize: options.virtualize ?? true,
    leaks: new LeakLog(),
    outside,
  });
  return { scheduler, outside, clock, inside: <T>(fn: () => T) => runInDevice(context, fn) };
}

describe('waits outside virtual time', () => {
  test('a digest and a file read finish before the next virtual event, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const { scheduler, clock, inside } = world();
      const seen: string[] = [];
      scheduler.at(1, 'next event', () => seen.push('event@1'));
      inside(() => {
        void crypto.subtle.digest('SHA-256', new Uint8Array(64)).then(() => {
          seen.push(`digest@${scheduler.now()}`);
          clock.setTimeout(() => seen.push(`after-digest@${scheduler.now()}`), 0);
        });
        readFile(new URL(import.meta.url), () => seen.push(`file@${scheduler.now()}`));
      });
      await scheduler.run({ eventsMax: 10 });
      expect(seen.slice(0, 2).sort()).toEqual(['digest@0', 'file@0']);
      expect(seen.slice(2)).toEqual(['after-digest@0', 'event@1']);
    }
    expect(trackedCount()).toBe(0);
  });

  test('a real timer (virtualization off) holds virtual time until it fires', async () => {
    const { scheduler, inside } = world({ virtualize: false });
    const seen: string[] = [];
    scheduler.at(1, 'next event', () => seen.push('event@1'));
    inside(() => setTimeout(() => seen.push(`real-timer@${scheduler.now()}`), 20));
    await scheduler.run({ eventsMax: 10 });
    expect(seen).toEqual(['real-timer@0', 'event@1']);
  });

  test('a wait that never ends is given up after the bound and named with its call site', async () => {
    const { scheduler, outside, inside } = world({ virtualize: false, waitMsMax: 30 });
    let timer: ReturnType<typeof REAL.setTimeout> | undefined;
    const start = inside(
      () =>
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 600_000); // never, as far as this run is concerned
        }),
    );
    const outcome = await drive(scheduler, start, { timeoutMs: 600_000, eventsMax: 100, label: 'start of phone' });
    REAL.clearTimeout(timer);
    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? '' : outcome.error;
    expect(error).toMatch(
      /^start of phone hung: phone: waiting on something outside virtual time \(Timeout, created at test\/kernel\/outside-waits\.test\.ts:\d+\)$/,
    );
    expect(error).not.toContain('virtual ms');
    expect(outside.abandoned).toHaveLength(1);
  });
});
