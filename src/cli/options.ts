/**
 * @module cli/options
 * Parsers for the CLI's flags. A bad value is bad input: commander turns the
 * InvalidArgumentError into one line naming the flag, and the command exits with 2.
 */
import { InvalidArgumentError, Option } from 'commander';

function wholeNumber(value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
  const number = Number(value);
  if (number < min || number > max) throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
  return number;
}

export const SEEDS_MAX = 1_000_000;
export const DEVICES_FLAG_MAX = 1_000;
export const OPS_FLAG_MAX = 10_000;
export const WORKERS_MAX = 256;

export const parseSeeds = (value: string): number => wholeNumber(value, 1, SEEDS_MAX);
export const parseSeedStart = (value: string): number => wholeNumber(value, 0, 2 ** 31);
export const parseDevices = (value: string): number => wholeNumber(value, 1, DEVICES_FLAG_MAX);
export const parseOps = (value: string): number => wholeNumber(value, 0, OPS_FLAG_MAX);
export const parseWorkers = (value: string): number => wholeNumber(value, 1, WORKERS_MAX);

/** Bounds of `--memory-limit`, MB (the heap of each child that runs client code). */
export const MEMORY_LIMIT_MB_MIN = 32;
export const MEMORY_LIMIT_MB_MAX = 65_536;
export const parseMemoryLimit = (value: string): number => wholeNumber(value, MEMORY_LIMIT_MB_MIN, MEMORY_LIMIT_MB_MAX);

/** Wall time one scenario of `run`, `replay` or `gate` may take before its process is stopped. */
export const SCENARIO_TIME_LIMIT_MS_DEFAULT = 120_000;

/** Seconds (may be fractional), returned as milliseconds. */
export function parseTimeLimit(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > 7 * 24 * 3600) {
    throw new InvalidArgumentError('Expected a number of seconds greater than 0.');
  }
  return Math.round(number * 1000);
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError("Expected 'i/n', e.g. 2/4.");
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 10_000 || index < 1 || index > count)
    throw new InvalidArgumentError(`Expected 1 <= i <= n, got ${value}.`);
  return { index, count };
}

/** The contiguous block of `total` items shard `shard` owns: [start, end). */
export function shardRange(total: number, shard: Shard | undefined): { start: number; end: number } {
  if (shard === undefined) return { start: 0, end: total };
  return {
    start: Math.floor(((shard.index - 1) * total) / shard.count),
    end: Math.floor((shard.index * total) / shard.count),
  };
}

/** An option given in seconds and kept in milliseconds: its help shows the default in seconds. */
export function secondsOption(
  flags: string,
  description: string,
  parse: (value: string) => number,
  defaultMs: number,
): Option {
  return new Option(flags, description).argParser(parse).default(defaultMs, `${defaultMs / 1000}`);
}
