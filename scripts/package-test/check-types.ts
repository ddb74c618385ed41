// What a user's `tsc --noEmit` must accept: the public API and the vitest suite, typed.
import { type ClientFactory, loadScenario, type RunResult, referenceClient, runScenario, type SyncOp } from 'syncstorm';
import { type ConformanceOptions, describeConformance } from 'syncstorm/vitest';

export const factory: ClientFactory = { ...referenceClient, name: 'typed-user-client' };
export const options: ConformanceOptions = {
  client: factory,
  seeds: 1,
  skip: [{ scenario: 'fuzz', reason: 'typed only' }],
};
export const suite: (options: ConformanceOptions) => void = describeConformance;
export const op: Pick<SyncOp, 'kind'> = { kind: 'create' };
export function run(path: string): Promise<RunResult> {
  return runScenario(loadScenario(path), factory);
}
