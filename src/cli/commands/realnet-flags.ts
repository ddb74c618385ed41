/**
 * @module cli/commands/realnet-flags
 * Flag parsers of the real-network commands (serve, proxy, conform, chaos). A bad value is
 * bad input: commander turns the InvalidArgumentError into one line and exit code 2.
 */
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../../kernel/errors.ts';
import { TOKEN_LENGTH_MAX } from '../../realnet/stranger-guard.ts';
import { SPEED_MAX } from '../../realnet/timeline.ts';

/** The environment variable that gives `--token` its value. */
export const TOKEN_ENV = 'SYNCSTORM_TOKEN';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new InvalidArgumentError('Expected a port from 0 to 65535.');
  return port;
}

export function parseSpeed(value: string): number {
  const speed = Number(value);
  if (value.trim() === '' || !Number.isFinite(speed) || speed <= 0 || speed > SPEED_MAX) {
    throw new InvalidArgumentError(`Expected a number greater than 0 and at most ${SPEED_MAX}.`);
  }
  return speed;
}

/** `host:port`, e.g. 127.0.0.1:8666 or 0.0.0.0:8666 or toxiproxy:8666. */
export function parseAddress(value: string): string {
  if (!/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(value.trim()))
    throw new InvalidArgumentError("Expected 'host:port', e.g. 127.0.0.1:8666.");
  return value.trim();
}

export function parseHttpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href.replace(/\/$/, '');
  } catch {
    // Falls through to the message below.
  }
  throw new InvalidArgumentError("Expected an http(s) URL, e.g. 'http://127.0.0.1:8474'.");
}

/** Seconds (fractional allowed) as milliseconds, from `min` to `max` seconds. */
export function seconds(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(`Expected a number of seconds from ${min} to ${max}.`);
    }
    return Math.round(number * 1000);
  };
}

export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

/** An interface to listen on: not empty (whether it is loopback is checked with --allow-remote). */
export function parseHost(value: string): string {
  const host = value.trim();
  if (host === '' || /[\s/@]/.test(host)) {
    throw new InvalidArgumentError('Expected an interface to listen on, e.g. 127.0.0.1 (loopback) or 0.0.0.0 (all).');
  }
  return host;
}

const TOKEN = new RegExp(`^[\\x21-\\x7e]{1,${TOKEN_LENGTH_MAX}}$`);
const TOKEN_RULE = `1 to ${TOKEN_LENGTH_MAX} printable characters without spaces`;

export function parseToken(value: string): string {
  if (!TOKEN.test(value)) throw new InvalidArgumentError(`Expected ${TOKEN_RULE}.`);
  return value;
}

/** `--token`, else SYNCSTORM_TOKEN when set and not empty, else none. */
export function tokenOf(flags: { token?: string }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flags.token !== undefined) return flags.token;
  const value = env[TOKEN_ENV];
  if (value === undefined || value === '') return undefined;
  if (!TOKEN.test(value)) throw new UsageError(`${TOKEN_ENV}: expected ${TOKEN_RULE}.`);
  return value;
}

/** `--token <token>` and `--allow-remote`, shared by serve, proxy and chaos. */
export function strangerOptions(what: string): Option[] {
  return [
    new Option('--token <token>', `require this bearer token on ${what} (default: $${TOKEN_ENV})`).argParser(
      parseToken,
    ),
    new Option('--allow-remote', 'allow listening beyond loopback (prints a warning; consider --token)'),
  ];
}
