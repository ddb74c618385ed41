/**
 * @module scenario/load
 * Reading scenario files: JSON (syntax errors located by line and column), the schema,
 * then the cross-checks. Whatever is wrong becomes one UsageError that names the file, the
 * JSON path, what was expected and where it is in the file:
 * "[syncstorm] Failed to load scenario 'x.json': steps[3].device 'C' is not declared.
 * Declare it under devices. (line 14, column 17)".
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { isModuleSpec } from '../client/resolve.ts';
import { UsageError } from '../kernel/errors.ts';
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

function failure(source: string, detail: string): UsageError {
  return new UsageError(`Failed to load scenario '${source}': ${detail}`);
}

function located(source: JsonSource, problems: readonly ScenarioProblem[]): string {
  const first = problems[0] as ScenarioProblem;
  const { line, column } = source.locate(first.path);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `${first.message} (line ${line}, column ${column})${more}`;
}

/** Parses and checks scenario text; `source` names it in messages. */
export function parseScenario(text: string, source: string): Scenario {
  let json: JsonSource;
  try {
    json = parseJsonSource(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw failure(
        source,
        `invalid JSON: ${error.reason} (line ${error.position.line}, column ${error.position.column}).`,
      );
    throw failure(source, `invalid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const parsed = scenarioSchema.safeParse(json.value);
  if (!parsed.success) throw failure(source, located(json, problemsFromZod(parsed.error.issues, json.value)));
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw failure(source, located(json, problems));
  return parsed.data;
}

export function loadScenario(path: string): Scenario {
  const source = displayPath(path);
  let text: string;
  try {
    const stats = statSync(path);
    if (stats.isDirectory())
      throw failure(source, 'it is a directory; give a .json file (or use `syncstorm run <dir>`).');
    if (stats.size > SCENARIO_BYTES_MAX)
      throw failure(source, `the file has ${stats.size} bytes, more than ${SCENARIO_BYTES_MAX}.`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw failure(
      source,
      code === 'ENOENT' ? 'the file does not exist.' : `cannot read it (${code ?? String(error)}).`,
    );
  }
  return parseScenario(text, source);
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
    } catch {
      throw new UsageError(`Scenario path '${displayPath(path)}' does not exist.`);
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
