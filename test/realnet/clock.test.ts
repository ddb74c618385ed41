/**
 * Goal: real-mode time is consistent: the run timeline scales real time by `speed`, a real
 * clock's timers fire no earlier than asked (in run time) and die with `dispose`, and the
 * pump keeps a virtual-time scheduler on the timeline so scheduled server work ends.
 * Method: real timers with short delays (tens of ms), speed 10.
 */
import { expect, test } from 'vitest';
import { Scheduler } from '../../src/kernel/scheduler.ts';
import { SchedulerPump } from '../../src/realnet/pump.ts';
import { RealClock } from '../../src/realnet/real-clock.ts';
import { RunTimeline } from '../../src/realnet/timeline.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a timer of 500 run-ms at speed 10 fires after about 50 real ms, never before 500 run-ms', async () => {
  const timeline = new RunTimeline(10);
  const clock = new RealClock(timeline);
  const started = timeline.now();
  const realStart = performance.now();
  const firedAt = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(timeline.now()), 500));
  expect(firedAt - started).toBeGreaterThanOrEqual(500);
  expect(performance.now() - realStart).toBeLessThan(500);
  expect(clock.now()).toBeGreaterThan(Date.UTC(2026, 0, 1));
});

test('clearTimeout and dispose cancel timers; timers asked after dispose never fire', async () => {
  const clock = new RealClock(new RunTimeline(10));
  let fired = 0;
  const id = clock.setTimeout(() => fired++, 100);
  clock.clearTimeout(id);
  clock.setTimeout(() => fired++, 100);
  expect(clock.liveTimers).toBe(1);
  clock.dispose();
  clock.setTimeout(() => fired++, 0);
  await pause(60);
  expect(fired).toBe(0);
  expect(clock.liveTimers).toBe(0);
});

test('sleep rejects with an AbortError when its signal fires', async () => {
  const clock = new RealClock(new RunTimeline(1));
  const controller = new AbortController();
  const sleeping = clock.sleep(10_000, controller.signal);
  controller.abort();
  await expect(sleeping).rejects.toMatchObject({ name: 'AbortError' });
  expect(clock.liveTimers).toBe(0);
});

test('the pump runs scheduler events when their run time comes and keeps virtual time on the timeline', async () => {
  const timeline = new RunTimeline(10);
  const scheduler = new Scheduler();
  const pump = new SchedulerPump(scheduler, timeline, { tickMs: 2 });
  let ranAt: number | undefined;
  scheduler.after(300, 'test', () => {
    ranAt = scheduler.now();
  });
  pump.start();
  await pause(80);
  await pump.stop();
  expect(ranAt).toBe(300);
  expect(scheduler.now()).toBeGreaterThanOrEqual(300);
  expect(Math.abs(scheduler.now() - timeline.now())).toBeLessThan(200);
});
