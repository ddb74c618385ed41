/**
 * @module bench/write
 * The benchmark's files: `bench.json` (the result, each run's converged records reduced to
 * a hash) and `index.html` (the page with charts), written into one folder.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBenchHtml } from './html.ts';
import type { BenchResult } from './run.ts';

export const BENCH_JSON_FILE = 'bench.json';
export const BENCH_HTML_FILE = 'index.html';

/** The result as JSON data: converged records replaced by their sha256 (`stateHash`). */
export function benchJson(result: BenchResult): unknown {
  return {
    ...result,
    workloads: result.workloads.map((workload) => ({
      ...workload,
      rows: workload.rows.map(({ converged, ...row }) => ({
        ...row,
        stateHash: createHash('sha256').update(JSON.stringify(converged)).digest('hex'),
      })),
    })),
  };
}

export function renderBenchJson(result: BenchResult): string {
  return `${JSON.stringify(benchJson(result), null, 2)}\n`;
}

/** Writes bench.json and index.html into `dir` (created if needed); returns their paths. */
export function writeBenchFiles(dir: string, result: BenchResult): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, BENCH_JSON_FILE);
  const html = join(dir, BENCH_HTML_FILE);
  writeFileSync(json, renderBenchJson(result));
  writeFileSync(html, renderBenchHtml(result));
  return { json, html };
}
