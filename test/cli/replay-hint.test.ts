/**
 * Goal: the "reproduce with" command makes the same run: it keeps every flag that changes a
 * run (--client when the scenario names none, --allow-scenario-clients for a scenario whose
 * client runs code, --real-globals, --strict-time), drops the rest, and quotes for a shell.
 * Method: reproduceCommand on parsed flags as commander gives them.
 */
import { describe, expect, it } from 'vitest';
import { RUN_CHANGING_FLAGS, reproduceCommand, valueFlag } from '../../src/cli/replay-hint.ts';

describe('reproduceCommand', () => {
  it('keeps --client and the time flags, and nothing that does not change the run', () => {
    const flags = { client: 'mutant:no-backoff', realGlobals: true, strictTime: true, json: true, trace: 't.jsonl' };
    expect(reproduceCommand('replay', 'x.json', { flags })).toBe(
      'syncstorm replay x.json --client mutant:no-backoff --real-globals --strict-time',
    );
    expect(reproduceCommand('replay', 'x.json', { flags: { client: 'reference' } })).toBe('syncstorm replay x.json');
  });

  it('leaves --client out when the scenario names its client, and asks for the trust flag when that client runs code', () => {
    const flags = { client: 'mutant:no-backoff' };
    expect(reproduceCommand('replay', 'x.json', { flags, scenarioClient: 'mutant:hard-delete' })).toBe(
      'syncstorm replay x.json',
    );
    expect(reproduceCommand('run', 'r.json', { flags, scenarioClient: './client.ts' })).toBe(
      'syncstorm run r.json --allow-scenario-clients',
    );
  });

  it('quotes words a shell would split, and a new flag is one entry', () => {
    expect(reproduceCommand('replay', 'my repro.json', { flags: { client: "./it's.ts" } })).toBe(
      `syncstorm replay 'my repro.json' --client './it'\\''s.ts'`,
    );
    const server = valueFlag('--server', 'server');
    expect(server.words({ flags: { server: 'mutant:lost-ack' } })).toEqual(['--server', 'mutant:lost-ack']);
    expect(RUN_CHANGING_FLAGS.map((entry) => entry.flag)).toEqual([
      '--client',
      '--server',
      '--allow-scenario-clients',
      '--real-globals',
      '--strict-time',
    ]);
  });

  it('carries --server unless the scenario names its server; a server module needs --allow-scenario-clients', () => {
    expect(reproduceCommand('replay', 'x.json', { flags: { server: 'mutant:stale-cache-reload' } })).toBe(
      'syncstorm replay x.json --server mutant:stale-cache-reload',
    );
    expect(reproduceCommand('replay', 'x.json', { flags: { server: 'reference' } })).toBe('syncstorm replay x.json');
    expect(reproduceCommand('run', 'r.json', { flags: { server: './hooks.ts' }, scenarioServer: './hooks.ts' })).toBe(
      'syncstorm run r.json --allow-scenario-clients',
    );
  });
});
