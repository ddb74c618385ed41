/**
 * @module vitest/conformance
 * `syncstorm/vitest`: the conformance suite as vitest tests, one per scenario file plus
 * one fuzz campaign, for any client (a factory or a `--client` spec). Every skip must say
 * why (a skip without a reason throws while vitest collects the tests); a failure fails
 * its test with the violations, the repro file and the command that replays it, and
 * leaves an HTML report, the trace and a Mermaid diagram next to it.
 *
 * @example
 * ```ts
 * // test/sync.conformance.test.ts
 * import { describeConformance } from 'syncstorm/vitest';
 * import { client } from '../src/sync-adapter.ts';
 *
 * describeConformance({
 *   client,
 *   clientSpec: './src/sync-adapter.ts',
 *   seeds: 32,
 *   skip: [{ scenario: 'clock-skew', reason: 'server-assigned timestamps only (ticket SYNC-42)' }],
 * });
 * ```
 */
import { beforeAll, describe, test } from 'vitest';
import type { ConformanceOptions } from './suite.ts';
import { conformanceSuite } from './tests.ts';

export {
  BUNDLED_SCENARIOS,
  CONFORMANCE_DEFAULTS,
  type ConformanceOptions,
  type ConformanceSkip,
  planSuite,
} from './suite.ts';
export { ConformanceFailure, type ConformanceSuite, type ConformanceTest, conformanceSuite } from './tests.ts';

export function describeConformance(options: ConformanceOptions): void {
  const suite = conformanceSuite(options);
  describe(suite.name, () => {
    beforeAll(() => suite.setup());
    for (const entry of suite.tests) {
      if (entry.skip !== undefined) test.skip(`${entry.name} (skipped: ${entry.skip})`, () => {});
      else test(entry.name, { timeout: entry.timeoutMs }, () => entry.run());
    }
  });
}
