// Goal: the pieces of the process protocol hold on their own. Method: parse good and bad
// client lines; check app-call results of every method; drive the synchronous channel
// against real processes (`cat` echoes, a shell exits with a code, `sleep` hangs) and
// assert lines, exit codes, stderr, the real-time timeout and that a kill is synchronous;
// and the edges of the channel's own pipes: output in many chunks with multi-byte
// characters and an unterminated last line, a stdin line larger than its socket's buffer,
// a child that closes its stdout and lives on, and a timeout while a process that escaped
// the child's group still holds its stdout. Then what must never hang or corrupt: the exit
// of a child whose own child (a daemon) still holds its stdout, read after the exit was
// seen and before; a child that does not read its stdin (the channel fails, no partial
// line); a command the worker cannot even spawn (the worker lives on); and the death of
// the worker itself (every read of its channels throws, a new channel gets a new worker).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_STALE_MS, ProcessChannel, pipeWorkerOfChannels } from '../../src/client/process/channel.ts';
import { ProtocolError, parseClientMessage, resultProblem } from '../../src/client/process/protocol.ts';

describe('parseClientMessage', () => {
  it('accepts every message type in its documented shape', () => {
    const lines = [
      '{"type":"done"}',
      '{"type":"hello","name":"c","policy":{"default":"lww"}}',
      '{"type":"hello","name":"c","policy":{"default":"lww"},"reusable":true}',
      '{"type":"result","id":3,"value":null}',
      '{"type":"result","id":3,"error":"boom"}',
      '{"type":"notRun","ids":[4,5]}',
      '{"type":"hello","name":"c","policy":{"default":"lww"},"batches":true}',
      '{"type":"fetch","fetchId":1,"method":"GET","url":"/changes","headers":{"a":"b"}}',
      '{"type":"abort","fetchId":1}',
      '{"type":"setTimer","timerId":2,"delayMs":0}',
      '{"type":"clearTimer","timerId":2}',
      '{"type":"log","event":{"type":"push","n":1}}',
      '{"type":"reportError","message":"x"}',
      '{"type":"random"}',
      '{"type":"random","count":16}',
      '{"type":"uuid"}',
      '{"type":"uuid","count":64}',
      '{"type":"now"}',
      '{"type":"crashPoint","name":"before-push"}',
    ];
    expect(lines.map((line) => parseClientMessage(line).type)).toEqual(lines.map((line) => JSON.parse(line).type));
  });

  it('says what is wrong with a bad line', () => {
    const problem = (line: string) => {
      try {
        parseClientMessage(line);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        return (error as Error).message;
      }
    };
    expect(problem('Traceback (most recent call last):')).toBe('a line that is not JSON');
    expect(problem('[1,2]')).toBe('a JSON line without a string `type`');
    expect(problem('{"type":"teleport"}')).toBe("a message of unknown type 'teleport'");
    expect(problem('{"type":"result"}')).toBe("a 'result' message that needs a numeric `id`");
    expect(problem('{"type":"fetch","fetchId":1,"method":"GET","url":"/x","body":{}}')).toContain(
      "a 'fetch' message that needs",
    );
    expect(problem('{"type":"setTimer","timerId":1,"delayMs":-5}')).toContain('`delayMs` >= 0');
    expect(problem('{"type":"log","event":{"type":""}}')).toContain('needs an `event` with a `type`');
    expect(problem('{"type":"notRun","ids":[-1]}')).toBe("a 'notRun' message that needs `ids` (call ids)");
    expect(problem('{"type":"uuid","count":65}')).toBe(
      "a 'uuid' message that has a `count` that is not a whole number from 1 to 64",
    );
    expect(problem('{"type":"random","count":0}')).toContain('from 1 to 64');
    expect(problem('{"type":"hello","name":"c","policy":{},"reusable":"yes"}')).toContain(
      '`reusable` must be true or false',
    );
  });
});

describe('resultProblem', () => {
  it('checks the shape of each app call result', () => {
    expect(resultProblem('create', 'id-1')).toBeUndefined();
    expect(resultProblem('create', 7)).toContain('record id');
    expect(
      resultProblem('list', [{ id: 'a', collection: 'notes', fields: {}, status: 'synced', rev: 2 }]),
    ).toBeUndefined();
    expect(resultProblem('list', [{ id: 'a', collection: 'notes', fields: {}, status: 'done', rev: 2 }])).toContain(
      'status "done"',
    );
    expect(resultProblem('list', [{ id: 'a', collection: 'notes', fields: {}, status: 'synced', rev: -1 }])).toContain(
      'rev -1',
    );
    expect(resultProblem('pendingCount', 2.5)).toContain('whole number');
    expect(resultProblem('conflicts', [{ id: 'c', collection: 'notes', recordId: 'r', local: null }])).toContain(
      'lacks',
    );
    expect(resultProblem('sync', { pushed: 1, pulled: 0, pending: 0 })).toBeUndefined();
    expect(resultProblem('sync', { pushed: 1 })).toContain('sync() must return');
    expect(resultProblem('update', undefined)).toBeUndefined();
  });
});

/** A hang guard on reading from `cat` or `sh`: far above their milliseconds on any load (issue 19). */
const READ_GUARD_MS = 120_000;

describe('ProcessChannel', () => {
  it('reads each line the child writes, in order, then its exit', () => {
    const channel = new ProcessChannel({ command: 'cat' });
    channel.send('{"a":1}');
    channel.send('second');
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: '{"a":1}' });
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'second' });
    channel.end();
    expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 0, signal: null } });
  });

  it('reports an exit code and keeps the end of stderr', () => {
    const channel = new ProcessChannel({ command: "sh -c 'echo oops >&2; exit 3'" });
    expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 3, signal: null } });
    expect(channel.stderr).toContain('oops');
  });

  it('times out in real time on a child that says nothing, and a kill ends it at once', () => {
    const channel = new ProcessChannel({ command: 'sleep 30' });
    expect(channel.read(200)).toEqual({ timeout: true });
    channel.kill();
    expect(channel.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reassembles output written in many chunks, multi-byte characters and an unterminated last line included', () => {
    const script = "process.stdout.write('é'.repeat(100000) + '\\nnext\\nno newline')";
    const channel = new ProcessChannel({ command: `node -e "${script}"` });
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'é'.repeat(100_000) });
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'next' });
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'no newline' });
    expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 0, signal: null } });
  });

  it("writes a line larger than the buffer of the child's stdin whole", () => {
    const channel = new ProcessChannel({ command: 'wc -c' });
    channel.send('x'.repeat(4_000_000));
    channel.end();
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: expect.stringMatching(/^\s*4000001$/) });
    expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 0, signal: null } });
  });

  it('tells a child that closed its stdout and lives on from one that exited', () => {
    const channel = new ProcessChannel({ command: "sh -c 'echo before; exec 1>&-; sleep 30'" });
    expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'before' });
    expect(channel.read(READ_GUARD_MS)).toEqual({ stdoutClosed: true });
    channel.kill();
    expect(channel.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it("times out even when a process outside the child's group still holds its stdout", () => {
    // `setsid` puts the sleeper in a group of its own: the kill of the child's group misses it.
    const channel = new ProcessChannel({ command: "sh -c 'setsid sleep 2 & sleep 30'" });
    expect(channel.read(300)).toEqual({ timeout: true });
    channel.kill();
    expect(channel.exit).not.toBeUndefined();
  });

  /** A child that starts a daemon (a session of its own, past the test's hang guard) holding its stdout, says `hi` and exits. */
  const DAEMON_PARENT = "sh -c 'setsid sleep 1000 2>/dev/null & echo $! >&2; echo hi; exit 0'";
  const killDaemon = (channel: ProcessChannel) => {
    const pid = Number(channel.stderr.trim());
    if (pid > 0) process.kill(pid, 'SIGKILL');
  };
  const pause = new Int32Array(new SharedArrayBuffer(4));

  it('reports the exit of a child whose daemon holds its stdout, once the exit was seen, without waiting for the daemon', () => {
    const channel = new ProcessChannel({ command: DAEMON_PARENT });
    try {
      expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'hi' });
      for (let tries = 0; channel.exit === undefined && tries < 10_000; tries++) Atomics.wait(pause, 0, 0, 10);
      expect(channel.exit).toEqual({ code: 0, signal: null });
      // Before the fix this read blocked until the daemon exited (the worker no longer watched it).
      expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 0, signal: null } });
      expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 0, signal: null } });
    } finally {
      killDaemon(channel);
      channel.kill();
    }
  });

  it('reports the exit of a child whose daemon holds its stdout when the read began before the exit was seen', () => {
    const channel = new ProcessChannel({ command: DAEMON_PARENT });
    try {
      expect(channel.read(READ_GUARD_MS)).toEqual({ line: 'hi' });
      expect(channel.read(READ_GUARD_MS)).toEqual({ exit: { code: 0, signal: null } });
    } finally {
      killDaemon(channel);
      channel.kill();
    }
  });

  it('fails the channel, and kills the child, when the child does not read its stdin within the bound', () => {
    const channel = new ProcessChannel({ command: 'sleep 30', writeTimeoutMs: 50 });
    const line = 'x'.repeat(65_536);
    let sent = 0;
    for (; sent < 1_000 && !('failed' in channel.read(0)); sent++) channel.send(line);
    expect(sent).toBeLessThan(1_000);
    const read = channel.read(READ_GUARD_MS);
    expect(read).toEqual({
      failed: expect.stringMatching(
        /^did not read its stdin within 50 ms of real time \(\d+ of a line's 65537 bytes were taken; it was killed\)$/,
      ),
    });
    channel.send(line); // ignored: nothing more reaches a broken channel
    expect(channel.read(READ_GUARD_MS)).toEqual(read);
    channel.kill();
    expect(channel.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reports a command the worker cannot spawn as not started, and the worker lives on', () => {
    const worker = pipeWorkerOfChannels();
    const bad = new ProcessChannel({ command: 'echo a\0b' }); // spawn throws on the NUL
    expect(bad.read(READ_GUARD_MS)).toEqual({
      exit: { code: null, signal: null, error: expect.stringContaining('null bytes') },
    });
    bad.kill();
    const good = new ProcessChannel({ command: 'cat' });
    good.send('still here');
    expect(good.read(READ_GUARD_MS)).toEqual({ line: 'still here' });
    good.kill();
    expect(pipeWorkerOfChannels()).toBe(worker);
  });

  it('throws on every read of its channels once the worker died, and a new channel gets a new worker', async () => {
    const channel = new ProcessChannel({ command: 'sleep 30' });
    expect(channel.read(100)).toEqual({ timeout: true });
    const pid = channel.pid as number;
    const worker = pipeWorkerOfChannels();
    await worker.terminate();
    expect(() => channel.read(READ_GUARD_MS)).toThrow(/the worker thread of the process clients stopped/);
    expect(() => channel.send('x')).toThrow(/the worker thread of the process clients stopped/);
    channel.kill(); // the child, which nothing reaps now, is killed all the same
    let alive = true;
    for (let tries = 0; alive && tries < 10_000; tries++) {
      alive = !processState(pid).startsWith('Z');
      if (alive) Atomics.wait(pause, 0, 0, 10);
    }
    expect(alive).toBe(false);
    const next = new ProcessChannel({ command: 'cat' });
    expect(pipeWorkerOfChannels()).not.toBe(worker);
    next.send('new worker');
    expect(next.read(READ_GUARD_MS)).toEqual({ line: 'new worker' });
    next.kill();
  });

  it('ends a read in progress when the worker stops without running its exit handler, and says so', () => {
    // terminate() runs no exit handler in the worker, and its exit event cannot run while this
    // thread reads: before the read guard, this read waited for the child (600 s), or for ever.
    const channel = new ProcessChannel({ command: 'sleep 600' });
    for (let tries = 0; channel.pid === undefined && tries < 10_000; tries++) Atomics.wait(pause, 0, 0, 10);
    const pid = channel.pid as number;
    const worker = pipeWorkerOfChannels();
    void worker.terminate();
    expect(() => channel.read(600_000)).toThrow(
      new RegExp(
        `gave no sign of life for ${HEARTBEAT_STALE_MS} ms of real time while a read waited.*the read guard ended the read`,
      ),
    );
    expect(() => channel.read(600_000)).toThrow(/the worker thread of the process clients stopped/);
    let alive = true; // the guard killed the child's group (nothing reaps it now: a zombie)
    for (let tries = 0; alive && tries < 10_000; tries++) {
      alive = !processState(pid).startsWith('Z');
      if (alive) Atomics.wait(pause, 0, 0, 10);
    }
    expect(alive).toBe(false);
    channel.kill();
    const next = new ProcessChannel({ command: 'cat' });
    expect(pipeWorkerOfChannels()).not.toBe(worker);
    next.send('new worker');
    expect(next.read(READ_GUARD_MS)).toEqual({ line: 'new worker' });
    next.kill();
  });
});

/** The state letter of a process (Z: a zombie, i.e. dead and not reaped), or 'Z' if it is gone. */
function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return 'Z';
  }
}
