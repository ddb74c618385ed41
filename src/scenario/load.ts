/**
 * @module scenario/load
 * Reading scenario files: JSON (syntax errors located by line and column), the schema,
 * then the cross-checks. Whatever is wrong becomes one UsageError that lists every problem
 * (up to PROBLEMS_SHOWN_MAX) the way compilers do, each with the file, line and column, the
 * JSON pointer and what was expected:
 * "[syncstorm] Failed to load scenario 'x.json': x.json:14:17 /steps/3/device: steps[3].device
 * 'C' is not declared. Declare it under devices." (several problems: a head line, then one
 * line each).
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, type Stats, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { isModuleSpec } from '../client/resolve.ts';
import { UsageError } from '../kernel/errors.ts';
import { printable } from '../kernel/printable.ts';
import { crossCheck } from './cross-check.ts';
import { type JsonSource, JsonSyntaxError, parseJsonSource } from './json-source.ts';
import { problemsFromZod, type ScenarioProblem } from './problems.ts';
import { type Scenario, scenarioSchema } from './schema.ts';

/** A scenario file is hand-written or shrunk: anything bigger than this is not one. */
export const SCENARIO_BYTES_MAX = 16 * 1024 * 1024;
/** Bound on files `run <dir>` collects. */
export const SCENARIO_FILES_MAX = 10_000;

export interface LoadedScenario {
  /** The path as shown to the user (relative to the working directory when inside it). */
  path: string;
  scenario: Scenario;
}

export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : path;
}

/** One line, whatever names and values the file carries (they are quoted raw in messages). */
function failure(source: string, detail: string): UsageError {
  return new UsageError(printable(`Failed to load scenario '${source}': ${detail}`));
}

/** Bound on the problems one message lists; the rest are counted. */
export const PROBLEMS_SHOWN_MAX = 20;

/** `/steps/3/device` (RFC 6901); the whole document is `/`. */
export function jsonPointer(path: readonly (string | number)[]): string {
  if (path.length === 0) return '/';
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Every problem (up to PROBLEMS_SHOWN_MAX), the way compilers list them: one line each,
 * `file:line:column pointer: message`. One problem stays on the message's one line.
 */
function locatedFailure(source: string, json: JsonSource, problems: readonly ScenarioProblem[]): UsageError {
  const lines = problems.slice(0, PROBLEMS_SHOWN_MAX).map((problem) => {
    const { line, column } = json.locate(problem.path);
    return printable(`${source}:${line}:${column} ${jsonPointer(problem.path)}: ${problem.message}`);
  });
  if (problems.length === 1) return failure(source, lines[0] as string);
  const rest = problems.length - lines.length;
  const more = rest > 0 ? [`(and ${rest} more problem${rest > 1 ? 's' : ''}, not listed)`] : [];
  const head = printable(`Failed to load scenario '${source}': ${problems.length} problems:`);
  return new UsageError([head, ...lines.map((line) => `  ${line}`), ...more].join('\n'), { multiline: true });
}

/** Parses and checks scenario text; `source` names it in messages. */
export function parseScenario(text: string, source: string): Scenario {
  let json: JsonSource;
  try {
    json = parseJsonSource(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const what = error.kind === 'syntax' ? 'invalid JSON: ' : '';
      const { line, column } = error.position;
      throw failure(source, `${source}:${line}:${column} ${what}${error.reason}.`);
    }
    throw failure(source, `invalid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const parsed = scenarioSchema.safeParse(json.value);
  if (!parsed.success) throw locatedFailure(source, json, problemsFromZod(parsed.error.issues, json.value));
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw locatedFailure(source, json, problems);
  return parsed.data;
}

export function loadScenario(path: string): Scenario {
  const source = displayPath(path);
  let text: string;
  try {
    text = readScenarioText(path, source);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw failure(source, `${unreadable(error)}.`);
  }
  return parseScenario(text, source);
}

/** Why a path could not be read, in words (ELOOP is not "does not exist"). */
export function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'ELOOP') return 'it is a symbolic link loop (ELOOP)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'ENOTDIR') return 'a part of the path is not a folder (ENOTDIR)';
  return `cannot read it (${code ?? String(error)})`;
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text of a scenario file, read safely: only a regular file (stat first; a FIFO is
 * never opened, so `run x.json` cannot block on one), at most SCENARIO_BYTES_MAX bytes
 * (read in chunks, so /dev/zero or a growing file is never read whole), valid UTF-8.
 */
function readScenarioText(path: string, source: string): string {
  const stats = statSync(path);
  if (stats.isDirectory())
    throw failure(source, 'it is a directory; give a .json file (or use `syncstorm run <dir>`).');
  if (!stats.isFile()) throw failure(source, `it is ${fileKind(stats)}, not a regular file.`);
  if (stats.size > SCENARIO_BYTES_MAX) throw failure(source, tooBig(stats.size));
  // O_NONBLOCK: should the path turn into a FIFO between the stat and the open, the open
  // does not wait for a writer, and the fstat below refuses it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw failure(source, `it is ${fileKind(opened)}, not a regular file.`);
    const buffer = Buffer.alloc(Math.min(opened.size, SCENARIO_BYTES_MAX) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) throw failure(source, tooBig(length));
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return decodeUtf8(buffer.subarray(0, length), source);
  } finally {
    closeSync(fd);
  }
}

function tooBig(bytes: number): string {
  return `the file has ${bytes > SCENARIO_BYTES_MAX ? bytes : `more than ${SCENARIO_BYTES_MAX}`} bytes; a scenario file may have at most ${SCENARIO_BYTES_MAX} (SCENARIO_BYTES_MAX, 16 MiB).`;
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\ufffd');
    const line = text.slice(0, Math.max(at, 0)).split('\n').length;
    throw failure(source, `the file is not valid UTF-8 (first bad byte on line ${line}).`);
  }
}

/**
 * The client a scenario file names, with a relative module path taken relative to the
 * file's folder (so a scenario and its client can move together); undefined when the file
 * names no client.
 */
export function scenarioClient(scenario: Scenario, path: string): string | undefined {
  const spec = scenario.client;
  if (spec === undefined || !isModuleSpec(spec) || isAbsolute(spec)) return spec;
  return displayPath(resolve(dirname(path), spec));
}

/** Expands files and folders (recursively, *.json, sorted) into scenario file paths. */
export function scenarioFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string, named: boolean) => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new UsageError(
        `Scenario path '${displayPath(path)}'${missing ? ' does not exist' : `: ${unreadable(error)}`}.`,
      );
    }
    if (!isDirectory) {
      if (named || extname(path) === '.json') files.push(path);
    } else {
      const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      for (const entry of entries) if (!entry.name.startsWith('.')) visit(join(path, entry.name), false);
    }
    if (files.length > SCENARIO_FILES_MAX)
      throw new UsageError(`More than ${SCENARIO_FILES_MAX} scenario files under '${displayPath(path)}'.`);
  };
  for (const path of paths) visit(path, true);
  return files;
}

/** Loads every scenario the paths name; the first bad file stops it. */
export function loadScenarios(paths: readonly string[]): LoadedScenario[] {
  const files = scenarioFiles(paths);
  if (files.length === 0)
    throw new UsageError(`No scenario files (*.json) found in ${paths.map((path) => `'${path}'`).join(', ')}.`);
  return files.map((path) => ({ path: displayPath(path), scenario: loadScenario(path) }));
}
