/**
 * @module client/process/factory
 * `process:<command>`: a client written in any language, run as a child process that
 * speaks the process protocol (docs/process-protocol.md). Creating the factory starts the
 * command once for the `hello` turn, in which the client declares its name, merge policy,
 * collections and crash points; a command that cannot do that is bad input (UsageError).
 * Then every device incarnation runs in a process of its own, on SQLite files in its
 * storage folder (the factory asks for file storage).
 */
import { UsageError } from '../../kernel/errors.ts';
import type { ClientFactory } from '../contract.ts';
import { ProcessChannel } from './channel.ts';
import { type ClientMessage, PROTOCOL_VERSION, ProtocolError, parseClientMessage } from './protocol.ts';
import { ProcessSession } from './session.ts';

export interface ProcessClientOptions {
  /** Real-time bound on one turn of the child, ms (a hang is reported after this). */
  turnTimeoutMs?: number;
  /** Real-time bound on the hello and start turns (process start-up included), ms. */
  startTimeoutMs?: number;
  /** Working directory of the child; default: this process's. */
  cwd?: string;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

/** Defaults, overridable by SYNCSTORM_TURN_TIMEOUT_MS / SYNCSTORM_START_TIMEOUT_MS for CLI runs. */
export const TURN_TIMEOUT_MS_DEFAULT = 20_000;
export const START_TIMEOUT_MS_DEFAULT = 60_000;

type Hello = Extract<ClientMessage, { type: 'hello' }>;

function fromEnvironment(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function stderrOf(channel: ProcessChannel): string {
  const text = channel.stderr.trim().split('\n').slice(-3).join(' | ');
  return text === '' ? '' : ` Its stderr: ${text}`;
}

/** Starts the command, sends `hello`, returns its declaration; any failure is a UsageError. */
function hello(command: string, options: ProcessClientOptions, timeoutMs: number): Hello {
  const channel = new ProcessChannel({
    command,
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const bad = (what: string) => new UsageError(`Process client '${command}' ${what}.${stderrOf(channel)}`);
  try {
    channel.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
    let declared: Hello | undefined;
    for (;;) {
      const read = channel.read(timeoutMs);
      if ('timeout' in read) throw bad(`did not answer 'hello' within ${timeoutMs} ms`);
      if ('stdoutClosed' in read) throw bad("closed its stdout before answering 'hello'");
      if ('failed' in read) throw bad(`${read.failed} before answering 'hello'`);
      if ('exit' in read) {
        const { code, signal, error } = read.exit;
        throw bad(
          error ? `could not be started: ${error}` : `exited (${signal ?? `code ${code}`}) before answering 'hello'`,
        );
      }
      let message: ClientMessage;
      try {
        message = parseClientMessage(read.line);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        throw bad(`answered 'hello' with ${error.message}: ${JSON.stringify(read.line.slice(0, 200))}`);
      }
      if (message.type === 'done') break;
      if (message.type !== 'hello') throw bad(`answered 'hello' with a '${message.type}' message`);
      declared = message;
    }
    if (declared === undefined) throw bad("ended its 'hello' turn without a hello message");
    return declared;
  } finally {
    channel.end();
    channel.kill();
  }
}

/** The factory of a process client; starts the command once to learn what it declares. */
export async function createProcessClient(command: string, options: ProcessClientOptions = {}): Promise<ClientFactory> {
  const trimmed = command.trim();
  if (trimmed === '')
    throw new UsageError(
      "Client 'process:' names no command. Use 'process:<command>', e.g. 'process:python3 client.py'.",
    );
  const startTimeoutMs =
    options.startTimeoutMs ?? fromEnvironment('SYNCSTORM_START_TIMEOUT_MS', START_TIMEOUT_MS_DEFAULT);
  const turnTimeoutMs = options.turnTimeoutMs ?? fromEnvironment('SYNCSTORM_TURN_TIMEOUT_MS', TURN_TIMEOUT_MS_DEFAULT);
  const declared = hello(trimmed, options, startTimeoutMs);
  const session = {
    command: trimmed,
    turnTimeoutMs,
    startTimeoutMs,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    reusable: declared.reusable === true,
    batches: declared.batches === true,
  };
  return {
    name: declared.name,
    description: declared.description ?? `A process client: ${trimmed}`,
    policy: declared.policy,
    // One process per client; the process protocol carries no instance locks: never a second
    // instance. Nor has it a subscribe message: never a subscription.
    ...(declared.capabilities
      ? { capabilities: { ...declared.capabilities, instances: false, subscriptions: false } }
      : {}),
    ...(declared.collections ? { collections: declared.collections } : {}),
    ...(declared.crashPoints ? { crashPoints: declared.crashPoints } : {}),
    storage: 'file',
    async start(env) {
      return ProcessSession.start(env, session);
    },
  };
}
