/**
 * @module scenario/server-spec
 * Which server a scenario runs against: the one its file names (a module path taken
 * relative to the file's folder, like its client), else `--server`, else the reference
 * server. The choice is written into the scenario run's plan (`Plan.server`), so that the
 * child that runs it, a shrink, a repro file and a replay all use the same server.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { checkServerSpec, isServerModuleSpec, REFERENCE_SERVER } from '../server/resolve.ts';
import { displayPath } from './load.ts';
import type { Scenario } from './schema.ts';

/** The server a scenario file names (a relative module path resolved from its folder); undefined if none. */
export function scenarioServer(scenario: Scenario, path: string): string | undefined {
  const spec = scenario.server;
  if (spec === undefined || !isServerModuleSpec(spec) || isAbsolute(spec)) return spec;
  return displayPath(resolve(dirname(path), spec));
}

/**
 * The scenario as it runs: with the server it names (resolved) or `commandLine`. The
 * reference server is left out, so a scenario of the reference server keeps its plan and
 * trace unchanged. A server that cannot be named is bad input (exit 2), caught here
 * before anything runs.
 */
export function withServer(scenario: Scenario, path: string, commandLine: string | undefined): Scenario {
  const spec = scenarioServer(scenario, path) ?? commandLine;
  if (spec !== undefined) checkServerSpec(spec, `Scenario '${path}': server`);
  const { server: _named, ...rest } = scenario;
  return spec === undefined || spec.trim() === REFERENCE_SERVER ? rest : { ...rest, server: spec.trim() };
}
