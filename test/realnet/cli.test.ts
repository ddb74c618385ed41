/**
 * Goal: the real-network commands work as users run them: `serve` prints its URL, serves
 * (a mutant with --mutant) and stops cleanly with exit 0 on SIGINT and SIGTERM; `conform`
 * exits 0 against serve, 1 against a mutant naming the promise (--only picks promises), 2
 * for an unreachable server or an unknown promise; `proxy` serves the admin API until SIGINT; `chaos` runs a short bounded run
 * through the embedded proxy and writes the simulator's reports.
 * Method: the real binary in child processes (node bin/syncstorm.mjs), on loopback, free
 * ports, each bounded by a kill timer.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { killAll, run, start } from './spawn.ts';

afterEach(() => killAll());

test('serve stops cleanly on SIGINT and SIGTERM; conform passes against it and exits 2 once it is gone', async () => {
  const serve = start(['serve', '--port', '0']);
  const url = (await serve.waitFor(/at (http:\/\/127\.0\.0\.1:\d+)/))[1] as string;
  const conform = await run(['conform', url]);
  expect(conform.stdout).toContain('6 of 6 promises held');
  expect(conform.code).toBe(0);
  serve.process.kill('SIGINT');
  expect(await serve.exited).toEqual({ code: 0, signal: null });
  expect(serve.stderr()).toContain('SIGINT: stopping');
  const gone = await run(['conform', url]);
  expect(gone.code).toBe(2);
  expect(gone.stderr).toMatch(/Cannot reach/);

  const mutant = start(['serve', '--port', '0', '--mutant', 'no-tombstones']);
  const mutantUrl = (await mutant.waitFor(/at (http:\/\/127\.0\.0\.1:\d+)/))[1] as string;
  const broken = await run(['conform', mutantUrl, '--json', '--only', 'one-apply-per-key,tombstones-in-deltas']);
  expect(broken.code).toBe(1);
  const report = JSON.parse(broken.stdout) as { results: { promise: string; passed: boolean }[] };
  expect(report.results.filter((result) => !result.passed).map((result) => result.promise)).toEqual([
    'tombstones-in-deltas',
  ]);
  mutant.process.kill('SIGTERM');
  expect(await mutant.exited).toEqual({ code: 0, signal: null });
});

test('proxy serves the Toxiproxy admin API until SIGINT', async () => {
  const proxy = start(['proxy', '--port', '0']);
  const url = (await proxy.waitFor(/admin API at (http:\/\/127\.0\.0\.1:\d+)/))[1] as string;
  const version = (await (await fetch(`${url}/version`)).json()) as { version: string; syncstorm: string };
  expect(version.version).toBe('2.12.0');
  expect(version.syncstorm).toContain('syncstorm');
  proxy.process.kill('SIGINT');
  expect((await proxy.exited).code).toBe(0);
});

test('chaos runs a short bounded run through the embedded proxy and writes reports', async () => {
  const root = mkdtempSync(join(tmpdir(), 'syncstorm-chaos-cli-'));
  try {
    const args = ['chaos', '--clients', '2', '--ops', '6', '--duration', '3', '--speed', '20', '--heal', '10'];
    const result = await run([...args, '--schedule', 'flaky-3g', '--report', root, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ runs: 1, passed: 1, failed: 0 });
    expect(existsSync(join(root, 'latest', 'report.html'))).toBe(true);
    expect(readFileSync(join(root, 'latest', 'summary.json'), 'utf8')).toContain('realnet:flaky-3g');
    const bad = await run(['chaos', '--proxy-url', 'http://127.0.0.1:9', '--duration', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot reach the proxy admin API/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
