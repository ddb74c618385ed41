// Goal: virtual time is a deterministic queue ordered by (time, sequence), and the run loop
// honours cancellation, dead owners and its bounds. Method: schedule events out of order,
// cancel some, kill an owner, and record what ran and when.
import { describe, expect, test } from 'vitest';
import { AssertionError } from '../../src/kernel/assert.ts';
import { Incarnation } from '../../src/kernel/incarnation.ts';
import { EventsLimitReached, Scheduler } from '../../src/kernel/scheduler.ts';

describe('Scheduler', () => {
  test('runs events by time, then by the order they were scheduled', async () => {
    const scheduler = new Scheduler();
    const ran: string[] = [];
    const log = (name: string) => () => ran.push(`${name}@${scheduler.now()}`);
    scheduler.at(20, 'c', log('c'));
    scheduler.at(10, 'a', log('a'));
    scheduler.at(20, 'd', log('d'));
    scheduler.at(10, 'b', log('b'));
    scheduler.at(0, 'first', log('first'));
    const result = await scheduler.run({ eventsMax: 100 });
    expect(ran).toEqual(['first@0', 'a@10', 'b@10', 'c@20', 'd@20']);
    expect(result).toEqual({ events: 5, stoppedBy: 'idle' });
    expect(scheduler.eventsRun).toBe(5);
  });

  test('run with `until` and nothing to do still lets the time pass to `until`', async () => {
    const scheduler = new Scheduler();
    scheduler.at(10, 'early', () => {});
    const result = await scheduler.run({ eventsMax: 10, until: 1_000 });
    expect(result).toEqual({ events: 1, stoppedBy: 'idle' });
    expect(scheduler.now()).toBe(1_000);
  });

  test('an event scheduled in the past runs now, never earlier', async () => {
    const scheduler = new Scheduler();
    const times: number[] = [];
    scheduler.at(50, 'later', () => scheduler.at(10, 'past', () => times.push(scheduler.now())));
    await scheduler.run({ eventsMax: 10 });
    expect(times).toEqual([50]);
    expect(() => scheduler.after(-1, 'negative', () => {})).toThrow(AssertionError);
    expect(() => scheduler.at(Number.NaN, 'nan', () => {})).toThrow(AssertionError);
  });

  test('a cancelled event never runs and does not count', async () => {
    const scheduler = new Scheduler();
    const ran: string[] = [];
    const handle = scheduler.after(5, 'cancelled', () => ran.push('cancelled'));
    scheduler.after(10, 'kept', () => ran.push('kept'));
    scheduler.cancel(handle);
    expect(handle.cancelled).toBe(true);
    const result = await scheduler.run({ eventsMax: 10 });
    expect(ran).toEqual(['kept']);
    expect(result.events).toBe(1);
  });

  test('events owned by a killed incarnation never run, even those scheduled earlier', async () => {
    const scheduler = new Scheduler();
    const life = new Incarnation('A', 0);
    const ran: string[] = [];
    scheduler.after(10, 'mine', () => ran.push('mine'), life);
    scheduler.after(20, 'mine-later', () => ran.push('mine-later'), life);
    scheduler.after(5, 'kill', () => life.kill());
    scheduler.after(30, 'other', () => ran.push('other'));
    const next = life.next();
    scheduler.after(40, 'next-life', () => ran.push(`next-life#${next.number}`), next);
    await scheduler.run({ eventsMax: 100 });
    expect(ran).toEqual(['other', 'next-life#1']);
    expect(life.alive).toBe(false);
  });

  test('eventsMax bounds a runaway loop and says so', async () => {
    const scheduler = new Scheduler();
    let count = 0;
    const loop = () => {
      count++;
      scheduler.after(1, 'loop', loop);
    };
    scheduler.after(0, 'loop', loop);
    const result = await scheduler.run({ eventsMax: 25 });
    expect(result).toEqual({ events: 25, stoppedBy: 'events-max' });
    expect(count).toBe(25);
    expect(scheduler.pending).toBe(1);
    await expect(scheduler.run({ eventsMax: 0 })).rejects.toThrow(AssertionError);
  });

  test('until stops before later events and advances the clock to it', async () => {
    const scheduler = new Scheduler();
    const ran: number[] = [];
    for (const time of [10, 100, 101, 200]) scheduler.at(time, `t${time}`, () => ran.push(time));
    const first = await scheduler.run({ eventsMax: 100, until: 100 });
    expect(first).toEqual({ events: 2, stoppedBy: 'until' });
    expect(ran).toEqual([10, 100]);
    expect(scheduler.now()).toBe(100);
    const second = await scheduler.run({ eventsMax: 100, until: 150 });
    expect(second.stoppedBy).toBe('until');
    expect(scheduler.now()).toBe(150);
    expect(ran).toEqual([10, 100, 101]);
  });

  test('stopWhen stops as soon as the condition holds', async () => {
    const scheduler = new Scheduler();
    let count = 0;
    for (let i = 1; i <= 10; i++) scheduler.at(i, 'tick', () => count++);
    const result = await scheduler.run({ eventsMax: 100, stopWhen: () => count >= 3 });
    expect(result).toEqual({ events: 3, stoppedBy: 'condition' });
    expect(scheduler.now()).toBe(3);
  });

  test('promise continuations started by an event run before the next event', async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    scheduler.at(1, 'start', () => {
      void (async () => {
        await Promise.resolve();
        order.push('continuation-1');
        await new Response('{"a":1}').json();
        order.push('continuation-2');
      })();
    });
    scheduler.at(1, 'next', () => order.push('next-event'));
    await scheduler.run({ eventsMax: 10 });
    expect(order).toEqual(['continuation-1', 'continuation-2', 'next-event']);
  });

  test('nested run loops are refused', async () => {
    const scheduler = new Scheduler();
    scheduler.at(1, 'x', () => {});
    const outer = scheduler.run({ eventsMax: 10 });
    await expect(scheduler.run({ eventsMax: 10 })).rejects.toThrow(AssertionError);
    await outer;
  });

  test('an error thrown by an event goes to onError with its label', async () => {
    const scheduler = new Scheduler();
    const errors: string[] = [];
    scheduler.onError = (error, label) => errors.push(`${label}: ${(error as Error).message}`);
    scheduler.at(1, 'boom', () => {
      throw new Error('bad');
    });
    scheduler.at(2, 'after', () => errors.push('after ran'));
    await scheduler.run({ eventsMax: 10 });
    expect(errors).toEqual(['boom: bad', 'after ran']);
  });

  test('advanceTo moves time forward but refuses to skip events', () => {
    const scheduler = new Scheduler();
    scheduler.advanceTo(50);
    expect(scheduler.now()).toBe(50);
    scheduler.at(60, 'x', () => {});
    expect(() => scheduler.advanceTo(70)).toThrow(AssertionError);
  });

  test('eventsLimit bounds every loop together: the event past it throws instead of running', async () => {
    const scheduler = new Scheduler();
    const ran: number[] = [];
    for (let time = 1; time <= 10; time++) scheduler.at(time, `e${time}`, () => ran.push(time));
    scheduler.eventsLimit = 5;
    await scheduler.run({ eventsMax: 3 });
    expect(ran).toEqual([1, 2, 3]);
    await scheduler.step();
    await scheduler.step();
    await expect(scheduler.run({ eventsMax: 100 })).rejects.toThrow(EventsLimitReached);
    await expect(scheduler.step()).rejects.toThrow('the run hit its bound of 5 events');
    expect(ran).toEqual([1, 2, 3, 4, 5]);
    expect(scheduler.eventsRun).toBe(5);
  });
});
