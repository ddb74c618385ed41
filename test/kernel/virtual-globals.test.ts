// Goal: inside a device context the patched globals read that device's virtual, skewed
// clock and seeded randomness; outside they stay real; timers behave like Node's (unref,
// refresh, clear by object or number, intervals repeat) and die with their incarnation;
// with virtualization off every use is counted with its call site. Method: a scheduler, a
// device clock and a context built by hand; run code with runInDevice and step virtual time.
import nodeCrypto from 'node:crypto';
import * as timers from 'node:timers';
import * as timerPromises from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { DeviceClock, VIRTUAL_EPOCH_MS } from '../../src/kernel/clock.ts';
import { createDeviceContext, type DeviceContext, runInDevice } from '../../src/kernel/device-context.ts';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { LeakLog } from '../../src/kernel/leaks.ts';
import { REAL } from '../../src/kernel/real-time.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { installVirtualGlobals } from '../../src/kernel/virtual-globals.ts';

installVirtualGlobals();

function device(options: { skewMs?: number; virtualize?: boolean; seed?: string } = {}) {
  const scheduler = new Scheduler();
  const owner = new Incarnation('phone', 0);
  const leaks = new LeakLog();
  let context: DeviceContext | undefined;
  const clock = new DeviceClock({
    scheduler,
    owner,
    skewMs: options.skewMs ?? 0,
    run: (callback) => runInDevice(context as DeviceContext, callback),
  });
  context = createDeviceContext({
    deviceId: 'phone',
    incarnation: owner,
    clock,
    random: new Rng(options.seed ?? 's').fork('globals'),
    virtualize: options.virtualize ?? true,
    leaks,
  });
  const inside = <T>(fn: () => T): T => runInDevice(context as DeviceContext, fn);
  return { scheduler, owner, clock, leaks, inside };
}

describe('virtual globals inside a device', () => {
  test('Date.now, new Date(), Date() and performance.now read the skewed virtual clock', async () => {
    const { scheduler, inside } = device({ skewMs: 21_600_000 });
    scheduler.advanceTo(1_234);
    // allowed: these global reads run inside a device; that they come back virtual is the test
    const read = inside(() => ({
      now: Date.now(),
      // biome-ignore lint/complexity/useDateNow: what `new Date()` reads is the point here
      date: new Date().getTime(),
      text: Date(),
      performance: performance.now(),
    }));
    expect(read.now).toBe(VIRTUAL_EPOCH_MS + 1_234 + 21_600_000);
    expect(read.date).toBe(read.now);
    expect(read.text).toBe(new Date(read.now).toString());
    expect(read.performance).toBe(1_234);
    // After an await, the continuation is still the device's code.
    const later = await inside(async () => {
      await Promise.resolve();
      return Date.now();
    });
    expect(later).toBe(read.now);
  });

  test('Date keeps working as a class: instanceof, arguments, UTC, parse, subclasses', () => {
    const { inside } = device();
    inside(() => {
      const date = new Date(2020, 1, 2);
      expect(date).toBeInstanceOf(Date);
      expect(date instanceof REAL.Date).toBe(true);
      expect(date.constructor).toBe(Date);
      expect(Object.prototype.toString.call(new Date())).toBe('[object Date]');
      expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
      expect(Date.UTC(2026, 0, 1)).toBe(VIRTUAL_EPOCH_MS);
      expect(Date.parse('2026-01-01T00:00:00Z')).toBe(VIRTUAL_EPOCH_MS);
      class Stamp extends Date {}
      const stamp = new Stamp();
      expect(stamp).toBeInstanceOf(Stamp);
      expect(stamp.getTime()).toBe(VIRTUAL_EPOCH_MS);
    });
  });

  test('Math.random and crypto draw from the seed: same seed same draws, another seed others', () => {
    const draw = (seed: string) =>
      device({ seed }).inside(() => ({
        random: Math.random(),
        uuid: crypto.randomUUID(),
        nodeUuid: nodeCrypto.randomUUID(),
        bytes: [...crypto.getRandomValues(new Uint8Array(4))],
        nodeBytes: [...nodeCrypto.randomBytes(4)],
      }));
    const first = draw('a');
    expect(draw('a')).toEqual(first);
    expect(draw('b')).not.toEqual(first);
    expect(first.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('setTimeout runs in virtual time, inside the device, and returns a Node-like Timeout', async () => {
    const { scheduler, inside } = device({ skewMs: 5 });
    const fired: number[] = [];
    const timer = inside(() => setTimeout(() => fired.push(Date.now() - VIRTUAL_EPOCH_MS), 300));
    expect(typeof timer.unref).toBe('function');
    expect(timer.unref()).toBe(timer);
    expect(timer.hasRef()).toBe(false);
    expect(typeof +timer).toBe('number');
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual([305]);
    expect(scheduler.now()).toBe(300);
  });

  test('clearTimeout by object or by number, refresh restarts the delay', async () => {
    const { scheduler, inside } = device();
    const fired: string[] = [];
    inside(() => {
      const a = setTimeout(() => fired.push('a'), 10);
      const b = setTimeout(() => fired.push('b'), 10);
      clearTimeout(a);
      clearTimeout(+b);
      const c = setTimeout(() => fired.push(`c@${scheduler.now()}`), 100);
      setTimeout(() => c.refresh(), 50);
    });
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual(['c@150']);
  });

  test('setInterval repeats in virtual time until cleared; setImmediate runs at the current time', async () => {
    const { scheduler, inside } = device();
    const ticks: number[] = [];
    inside(() => {
      const interval = setInterval(() => {
        ticks.push(scheduler.now());
        if (ticks.length === 4) clearInterval(interval); // the immediate, then three ticks
      }, 1_000);
      setImmediate(() => ticks.push(-scheduler.now()));
    });
    await scheduler.run({ eventsMax: 20 });
    expect(ticks).toEqual([-0, 1_000, 2_000, 3_000]);
  });

  test('node:timers and node:timers/promises resolve in virtual time too', async () => {
    const { scheduler, inside } = device();
    const order: string[] = [];
    inside(() => {
      timers.setTimeout(() => order.push(`timers@${scheduler.now()}`), 20);
      void timerPromises.setTimeout(40, 'v').then((value) => order.push(`${value}@${scheduler.now()}`));
      void timerPromises.scheduler.wait(60).then(() => order.push(`wait@${scheduler.now()}`));
    });
    await scheduler.run({ eventsMax: 20 });
    expect(order).toEqual(['timers@20', 'v@40', 'wait@60']);
  });

  test('a killed incarnation’s timers never fire', async () => {
    const { scheduler, owner, inside } = device();
    const fired: string[] = [];
    inside(() => {
      setTimeout(() => fired.push('timeout'), 10);
      setInterval(() => fired.push('interval'), 5);
    });
    scheduler.at(7, 'kill', () => owner.kill());
    await scheduler.run({ eventsMax: 20 });
    expect(fired).toEqual(['interval']);
    // Made after the kill (its code runs on to its next await): inert.
    inside(() => setTimeout(() => fired.push('late'), 1));
    await scheduler.run({ eventsMax: 20 });
    expect(fired).toEqual(['interval']);
  });
});

describe('outside a device', () => {
  test('every patched global is the real one at work', async () => {
    const before = REAL.dateNow();
    expect(Date.now()).toBeGreaterThanOrEqual(before);
    expect(new Date().getFullYear()).toBeGreaterThanOrEqual(2026);
    expect(Math.random()).not.toBe(Math.random());
    const timer = setTimeout(() => {}, 1);
    expect(timer.constructor.name).toBe('Timeout');
    clearTimeout(timer);
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('the leak tripwire', () => {
  test('virtualization off: the globals stay real and each use is counted with its first call site', () => {
    const { leaks, inside } = device({ virtualize: false });
    const now = inside(() => {
      for (let i = 0; i < 3; i++) clearTimeout(setTimeout(() => {}, 1_000));
      return Date.now(); // the leak below points here
    });
    expect(now).toBeGreaterThan(VIRTUAL_EPOCH_MS);
    const list = leaks.list();
    expect(list.map((leak) => [leak.api, leak.count])).toEqual([
      ['Date.now', 1],
      ['setTimeout', 3],
    ]);
    expect(list[0]?.site).toMatch(/^test\/kernel\/virtual-globals\.test\.ts:\d+$/);
  });

  test('APIs that are not virtualized are counted even when virtualization is on', () => {
    const { leaks, inside } = device();
    inside(() => {
      process.hrtime();
      process.hrtime.bigint();
      nodeCrypto.randomInt(10);
    });
    expect(leaks.list().map((leak) => leak.api)).toEqual([
      'crypto.randomInt',
      'process.hrtime',
      'process.hrtime.bigint',
    ]);
  });
});
