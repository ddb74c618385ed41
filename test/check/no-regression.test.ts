/**
 * Goal: no-regression flags a device going back to an older rev of a record (lower, or back
 * to null, across restarts too) or changing a synced record's content without a new rev,
 * and accepts local edits at an unchanged rev. Method: sequences of views of one device.
 */
import { describe, expect, it } from 'vitest';
import { checkNoRegression } from '../../src/check/index.ts';
import { local, TraceBuilder } from './builder.ts';

describe('no-regression', () => {
  it('passes rising revs, a local edit at an unchanged rev and its rollback', () => {
    const b = new TraceBuilder();
    b.view('d1', 'step', [local('r1', { title: 'a' }, 1)]);
    b.view('d1', 'step', [local('r1', { title: 'b' }, 2)]);
    b.update('d1', 'r1', [{ op: 'set', field: 'title', value: 'c' }], local('r1', { title: 'b' }, 2));
    b.view('d1', 'step', [local('r1', { title: 'c' }, 2, 'pending')]);
    b.view('d1', 'step', [local('r1', { title: 'b' }, 2)]);
    b.view('d1', 'step', [local('r1', { title: 'e' }, 3)]);
    expect(checkNoRegression(b.build())).toEqual([]);
  });

  it('flags a lower rev, also across a kill and restart', () => {
    const b = new TraceBuilder();
    const first = b.view('d1', 'before-kill', [local('r1', { title: 'b' }, 5)]);
    b.kill('d1');
    b.restart('d1');
    const second = b.view('d1', 'after-restart', [local('r1', { title: 'a' }, 3)]);
    expect(checkNoRegression(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-regression',
        device: 'd1',
        recordId: 'r1',
        events: [first, second],
        actual: 3,
      }),
    ]);
  });

  it('flags a rev going back to null, once per regression', () => {
    const b = new TraceBuilder();
    const first = b.view('d1', 'step', [local('r1', { title: 'a' }, 2)]);
    const second = b.view('d1', 'step', [local('r1', { title: 'a' }, null, 'pending')]);
    b.view('d1', 'step', [local('r1', { title: 'a' }, null, 'pending')]);
    expect(checkNoRegression(b.build())).toEqual([
      expect.objectContaining({ invariant: 'no-regression', events: [first, second], actual: null }),
    ]);
  });

  it('flags a lower rev after the record was missing from a view in between', () => {
    const b = new TraceBuilder();
    const first = b.view('d1', 'step', [local('r1', { title: 'a' }, 4)]);
    b.view('d1', 'step', []);
    const third = b.view('d1', 'step', [local('r1', { title: 'a' }, 2)]);
    expect(checkNoRegression(b.build())[0]?.events).toEqual([first, third]);
  });

  it('flags synced content changing at the same rev with no write of the device', () => {
    const b = new TraceBuilder();
    const first = b.view('d1', 'step', [local('r1', { title: 'new' }, 3)]);
    const second = b.view('d1', 'step', [local('r1', { title: 'old' }, 3)]);
    expect(checkNoRegression(b.build())).toEqual([
      expect.objectContaining({
        invariant: 'no-regression',
        events: [first, second],
        expected: { title: 'new' },
        actual: { title: 'old' },
      }),
    ]);
  });

  it('does not compare different devices or a device with its own edits in between', () => {
    const b = new TraceBuilder();
    b.view('d1', 'step', [local('r1', { title: 'a' }, 5)]);
    b.view('d2', 'step', [local('r1', { title: 'a' }, 3)]);
    b.view('d2', 'step', [local('r1', { title: 'x' }, 4)]);
    b.update('d2', 'r1', [{ op: 'set', field: 'title', value: 'y' }], local('r1', { title: 'x' }, 4));
    b.view('d2', 'step', [local('r1', { title: 'y' }, 4)]);
    expect(checkNoRegression(b.build())).toEqual([]);
  });
});
