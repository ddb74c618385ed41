// Goal: the reference client passes the conformance suite with zero skips, as a team's
// client would be run. Method: describeConformance over every bundled scenario (mutants
// excluded) and a small fuzz campaign; a failure fails the generated test with its repro.
import { createReferenceClient } from '../../src/client/index.ts';
import { describeConformance } from '../../src/vitest/conformance.ts';

describeConformance({
  client: createReferenceClient(),
  clientSpec: 'reference',
  seeds: 6,
  reportDir: 'reports/test-vitest',
});
