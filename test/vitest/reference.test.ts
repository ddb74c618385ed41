// Goal: the reference client passes the conformance suite with zero skips, set up exactly
// as a team would set up its own (through the package's entry points `syncstorm` and
// `syncstorm/vitest`). Method: describeConformance over every bundled scenario (mutants
// excluded) and a small fuzz campaign; a failure fails the generated test with its repro.
import { createReferenceClient } from 'syncstorm';
import { describeConformance } from 'syncstorm/vitest';

describeConformance({
  client: createReferenceClient(),
  clientSpec: 'reference',
  seeds: 6,
  reportDir: 'reports/test-vitest',
});
