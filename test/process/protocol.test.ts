// Goal: the pieces of the process protocol hold on their own. Method: parse good and bad
// client lines; check app-call results of every method; drive the synchronous channel
// against real processes (`cat` echoes, a shell exits with a code, `sleep` hangs) and
// assert lines, exit codes, stderr, the real-time timeout and that a kill is synchronous;
// and the edges of the channel's own pipes: output in many chunks with multi-byte
// characters and an unterminated last line, a stdin line larger than its socket's buffer,
// a child that closes its stdout and lives on, and a timeout while a process that escaped
// the child's group still holds its stdout.
import { describe, expect, it } from 'vitest';
import { ProcessChannel } from '../../src/client/process/channel.ts';
import { ProtocolError, parseClientMessage, resultProblem } from '../../src/client/process/protocol.ts';

describe('parseClientMessage', () => {
  it('accepts every message type in its documented shape', () => {
    const lines = [
      '{"type":"done"}',
      '{"type":"hello","name":"c","policy":{"default":"lww"}}',
      '{"type":"hello","name":"c","policy":{"default":"lww"},"reusable":true}',
      '{"type":"result","id":3,"value":null}',
      '{"type":"result","id":3,"error":"boom"}',
      '{"type":"fetch","fetchId":1,"method":"GET","url":"/changes","headers":{"a":"b"}}',
      '{"type":"abort","fetchId":1}',
      '{"type":"setTimer","timerId":2,"delayMs":0}',
      '{"type":"clearTimer","timerId":2}',
      '{"type":"log","event":{"type":"push","n":1}}',
      '{"type":"reportError","message":"x"}',
      '{"type":"random"}',
      '{"type":"uuid"}',
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
});
