/**
 * Goal: the server's configuration has the documented defaults and refuses unusable values.
 * Method: resolve configs directly and construct servers with bad ones.
 */
import { expect, test } from 'vitest';
import { DEFAULT_SERVER_CONFIG, resolveServerConfig } from '../../src/server/index.ts';
import { Harness } from './harness.ts';

test('defaults are the documented ones; overrides merge', () => {
  expect(DEFAULT_SERVER_CONFIG).toEqual({
    collections: ['notes', 'tasks'],
    tokenTtlMs: 900_000,
    idempotencyRetentionMs: 86_400_000,
    pageLimitMax: 100,
    bodyLimitBytes: 65_536,
    longPollTimeoutMs: 30_000,
  });
  expect(resolveServerConfig({ pageLimitMax: 5 })).toMatchObject({ pageLimitMax: 5, tokenTtlMs: 900_000 });
  expect(new Harness({ config: { collections: ['todos'] } }).server.config.collections).toEqual(['todos']);
});

test('unusable values are programmer errors', () => {
  for (const config of [
    { collections: [] },
    { collections: ['Bad Name'] },
    { collections: ['a:b'] },
    { collections: ['x', 'x'] },
    { pageLimitMax: 0 },
    { tokenTtlMs: 1.5 },
    { longPollTimeoutMs: -1 },
  ]) {
    expect(() => resolveServerConfig(config)).toThrow(/\[syncstorm\] ServerConfig/);
  }
});
