/**
 * @module cli/commands/realnet-flags
 * Flag parsers of the real-network commands (serve, proxy, conform, chaos). A bad value is
 * bad input: commander turns the InvalidArgumentError into one line and exit code 2.
 */
import { InvalidArgumentError } from 'commander';
import { SPEED_MAX } from '../../realnet/timeline.ts';

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
