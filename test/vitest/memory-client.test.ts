// Goal: the example client written from scratch against the contract passes the whole
// gate, loaded the way a team's adapter is (a .ts module path, no build step). Method:
// describeConformance with the module path as the client spec: every bundled scenario and
// a fuzz campaign.
import { describeConformance } from '../../src/vitest/conformance.ts';

describeConformance({
  client: './examples/memory-client/index.ts',
  seeds: 12,
  reportDir: 'reports/test-vitest',
});
