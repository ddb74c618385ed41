/**
 * @module examples/compare-findings
 * Compares a `syncstorm run --json` or `syncstorm fuzz --json` summary with an example's
 * known findings (`known-findings.json`: for each scenario that the engine fails, the
 * invariants it violates and why; for the fuzz campaign, the invariants its seeds may
 * violate and why). Exit 0 when the run shows exactly the known findings, 1 with one line
 * per difference otherwise.
 *
 * `seeds` reads the output of examples/determinism.ts instead (`seed <n> <hash> <invariants>`)
 * and holds every seed to the fuzz findings.
 *
 * Usage: node --import tsx examples/compare-findings.ts <summary> <known-findings.json> scenarios|fuzz|seeds
 */
import { readFileSync } from 'node:fs';

/** Who causes a finding, once analysed: the engine, the example's adapter, or syncstorm's checker. */
const VERDICTS = ['engine', 'adapter', 'checker', 'not analysed'] as const;

interface Finding {
  violations: string[];
  why: string;
  /** Optional until analysed; a value outside VERDICTS is bad input (exit 2). */
  verdict?: (typeof VERDICTS)[number];
}

interface KnownFindings {
  scenarios: Record<string, Finding>;
  fuzz: Finding;
}

interface Summary {
  /** `expected`: a violation the scenario itself expects (its run passed); not a finding. */
  violations: { name: string; invariant: string; expected?: boolean }[];
}

const [summaryPath, knownPath, mode] = process.argv.slice(2);
if (summaryPath === undefined || knownPath === undefined || !['scenarios', 'fuzz', 'seeds'].includes(mode ?? '')) {
  process.stderr.write('usage: compare-findings.ts <summary> <known-findings.json> scenarios|fuzz|seeds\n');
  process.exit(2);
}

/** determinism.ts lines as a summary: one violation per seed and invariant. */
function seedsSummary(text: string): Summary {
  const violations: Summary['violations'] = [];
  for (const line of text.split('\n')) {
    const [word, seed, , invariants] = line.split(' ');
    if (word !== 'seed' || invariants === undefined || invariants === '-') continue;
    for (const invariant of invariants.split(',')) violations.push({ name: `seed ${seed}`, invariant });
  }
  return { violations };
}

const text = readFileSync(summaryPath, 'utf8');
const summary = mode === 'seeds' ? seedsSummary(text) : (JSON.parse(text) as Summary);
const known = JSON.parse(readFileSync(knownPath, 'utf8')) as KnownFindings;
for (const [name, finding] of [...Object.entries(known.scenarios), ['fuzz', known.fuzz] as const]) {
  if (finding.verdict !== undefined && !(VERDICTS as readonly string[]).includes(finding.verdict)) {
    process.stderr.write(`${knownPath}: ${name}: verdict '${finding.verdict}' is not one of ${VERDICTS.join(', ')}\n`);
    process.exit(2);
  }
}
// A run that ended in an error is listed among the violations as `client-error`.
const problems: string[] = [];

const violatedBy = new Map<string, Set<string>>();
for (const violation of summary.violations) {
  if (violation.expected === true) continue;
  if (!violatedBy.has(violation.name)) violatedBy.set(violation.name, new Set());
  violatedBy.get(violation.name)?.add(violation.invariant);
}

if (mode === 'scenarios') {
  for (const [name, invariants] of violatedBy) {
    const expected = new Set(known.scenarios[name]?.violations ?? []);
    const unexpected = [...invariants].filter((invariant) => !expected.has(invariant));
    if (unexpected.length > 0) problems.push(`${name}: new violation(s) ${unexpected.join(', ')}`);
  }
  for (const [name, finding] of Object.entries(known.scenarios)) {
    const seen = violatedBy.get(name) ?? new Set();
    const gone = finding.violations.filter((invariant) => !seen.has(invariant));
    if (gone.length > 0)
      problems.push(`${name}: known finding ${gone.join(', ')} no longer shows (update known-findings.json)`);
  }
} else {
  const allowed = new Set(known.fuzz.violations);
  for (const [name, invariants] of violatedBy) {
    const unexpected = [...invariants].filter((invariant) => !allowed.has(invariant));
    if (unexpected.length > 0)
      problems.push(`${name}: violation(s) not among the known findings: ${unexpected.join(', ')}`);
  }
}

for (const problem of problems) process.stdout.write(`✗ ${problem}\n`);
process.stdout.write(problems.length === 0 ? `✓ ${mode}: exactly the known findings\n` : '');
process.exit(problems.length === 0 ? 0 : 1);
