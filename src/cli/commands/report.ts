/**
 * @module cli/commands/report
 * `syncstorm report merge <dirs...>`: joins the reports of a campaign split with
 * `--shard i/n` across CI jobs into one report folder.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../kernel/errors.ts';
import { mergeReportDirs, ReportInputError, renderSummary } from '../../report/index.ts';
import type { CliIo } from '../io.ts';
import { outputFailure } from '../output-paths.ts';
import { REPORTS_ROOT_DEFAULT, runIdFor } from '../reports.ts';

export function reportMergeCommand(dirs: string[], flags: { report?: string; json?: boolean }, io: CliIo): number {
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`report merge: '${dir}' is not a folder.`);
  }
  try {
    const written = mergeReportDirs(dirs, flags.report ?? REPORTS_ROOT_DEFAULT, { runId: runIdFor('merge', io) });
    if (flags.json) io.out(renderSummary(written.summary));
    io.err(`report: ${join(written.dir, 'report.html')}\n`);
    const { failed, errors } = written.summary;
    return failed + errors > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    throw outputFailure('--report', flags.report ?? REPORTS_ROOT_DEFAULT, error);
  }
}
