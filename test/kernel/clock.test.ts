// Goal: a device clock reads skewed wall time but runs timers in true virtual time, and
// its timers die with the incarnation. Method: drive a scheduler and record when
// callbacks, sleeps and aborts happen.
import { describe, expect, test } from 'vitest';
import { abortError, DeviceClock, VIRTUAL_EPOCH_MS } from '../../src/kernel/clock.ts';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { Scheduler } from '../../src/kernel/scheduler.ts';

function world(skewMs?: number) {
  const scheduler = new Scheduler();
  const owner = new Incarnation('A', 0);
  const clock = new DeviceClock({ scheduler, owner, ...(skewMs === undefined ? {} : { skewMs }) });
  return { scheduler, owner, clock };
}

describe('DeviceClock', () => {
  test('now() is the virtual epoch plus virtual time plus skew', async () => {
    const plain = world();
    const skewed = world(-90_000);
    expect(plain.clock.now()).toBe(VIRTUAL_EPOCH_MS);
    expect(VIRTUAL_EPOCH_MS).toBe(Date.UTC(2026, 0, 1));
    skewed.scheduler.advanceTo(1_000);
    expect(skewed.clock.now()).toBe(VIRTUAL_EPOCH_MS + 1_000 - 90_000);
  });

  test('skew does not change when timers fire', async () => {
    const { scheduler, clock } = world(3_600_000);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(scheduler.now()), 250);
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual([250]);
  });

  test('sleep resolves after the delay in virtual time', async () => {
    const { scheduler, clock } = world();
    let wokeAt: number | undefined;
    void clock.sleep(1_500).then(() => {
      wokeAt = scheduler.now();
    });
    await scheduler.run({ eventsMax: 10 });
    expect(wokeAt).toBe(1_500);
  });

  test('sleep rejects with an AbortError when its signal fires, at that moment', async () => {
    const { scheduler, clock } = world();
    const controller = new AbortController();
    let outcome: { error: unknown; at: number } | undefined;
    clock.sleep(10_000, controller.signal).catch((error: unknown) => {
      outcome = { error, at: scheduler.now() };
    });
    scheduler.after(300, 'abort', () => controller.abort());
    await scheduler.run({ eventsMax: 10 });
    expect(outcome?.at).toBe(300);
    expect(outcome?.error).toBeInstanceOf(DOMException);
    expect(outcome?.error).toMatchObject({ name: 'AbortError' });
    expect(scheduler.now()).toBe(300);
  });

  test('sleep with an already aborted signal rejects at once', async () => {
    const { clock } = world();
    await expect(clock.sleep(10, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(abortError().name).toBe('AbortError');
  });

  test('clearTimeout cancels; unknown and undefined ids are ignored', async () => {
    const { scheduler, clock } = world();
    const fired: string[] = [];
    const id = clock.setTimeout(() => fired.push('cleared'), 10);
    clock.setTimeout(() => fired.push('kept'), 20);
    expect(clock.liveTimers).toBe(2);
    clock.clearTimeout(id);
    clock.clearTimeout(undefined);
    clock.clearTimeout(9_999);
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual(['kept']);
  });

  test('negative or NaN delays fire at once, after timers already due now', async () => {
    const { scheduler, clock } = world();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('zero'), 0);
    clock.setTimeout(() => fired.push('negative'), -5);
    clock.setTimeout(() => fired.push('nan'), Number.NaN);
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual(['zero', 'negative', 'nan']);
    expect(scheduler.now()).toBe(0);
  });

  test('timers of a killed incarnation never fire, even those it sets after the kill', async () => {
    const { scheduler, owner, clock } = world();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('before-kill'), 10);
    void clock.sleep(20).then(() => fired.push('sleep'));
    scheduler.after(5, 'kill', () => owner.kill());
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual([]);
    // Dead code may run on to its next await and set a timer: it is accepted and never fires.
    clock.setTimeout(() => fired.push('after-kill'), 1);
    await scheduler.run({ eventsMax: 10 });
    expect(fired).toEqual([]);
  });
});
