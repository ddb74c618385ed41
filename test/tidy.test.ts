// Goal: the simulated world never reads the real clock, real randomness or real timers
// (TigerBeetle's tidy check). Method: parse every src/**/*.ts outside cli/, realnet/,
// report/ and bench/ with the TypeScript parser and flag uses of the banned APIs of
// docs/architecture.md, and imports of kernel/real-time (the real clock captured before
// the virtual globals patch it); comments and strings do not count, and a line may opt out with a
// trailing `// allowed: <reason>` (for a statement the formatter broke over several lines:
// on its first or last line, or on a comment line right above it). A second test plants each banned use in a snippet and
// asserts the scanner catches it, so a scanner that finds nothing cannot pass for clean.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXEMPT_FOLDERS = ['cli', 'realnet', 'report', 'bench'];
const ALLOWED = /\/\/\s*allowed:\s*\S/;
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const TIMERS = new Set(['setTimeout', 'setInterval']);

interface Finding {
  file: string;
  line: number;
  api: string;
}

/** `Date`, `globalThis.Date`, ...: the name an expression ends with. */
function lastName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}

function inTypePosition(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node.parent; current !== undefined; current = current.parent) {
    if (ts.isTypeNode(current)) return true;
    if (ts.isStatement(current)) return false;
  }
  return false;
}

/** A bare identifier that reads a global timer (not a member, a declaration or a type). */
function isTimerReference(node: ts.Identifier): boolean {
  if (!TIMERS.has(node.text)) return false;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isImportSpecifier(parent)) return true;
  const declarationName =
    (ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isBindingElement(parent)) &&
    parent.name === node;
  return !declarationName && !inTypePosition(node);
}

/** The banned API `node` uses, if any. `mswNamespaces` are local names of `import * as x from 'msw'`. */
function bannedUse(node: ts.Node, mswNamespaces: Set<string>): string | undefined {
  if (ts.isPropertyAccessExpression(node)) {
    const owner = lastName(node.expression);
    const name = node.name.text;
    if (owner === 'Date' && name === 'now') return 'Date.now';
    if (owner === 'Math' && name === 'random') return 'Math.random';
    if (owner === 'performance' && name === 'now') return 'performance.now';
    if (name === 'randomUUID') return 'crypto.randomUUID';
    if (TIMERS.has(name) && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text)) return name;
    if (name === 'delay' && ts.isIdentifier(node.expression) && mswNamespaces.has(node.expression.text)) {
      return "msw's delay";
    }
  }
  if (ts.isNewExpression(node) && lastName(node.expression) === 'Date' && (node.arguments?.length ?? 0) === 0) {
    return 'new Date()';
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') return 'Date()';
  if (ts.isIdentifier(node) && isTimerReference(node)) return node.text;
  // The captured real clock of kernel/real-time: each importer says why it needs real time.
  if (ts.isImportDeclaration(node) && /(^|\/)real-time(\.ts)?$/.test((node.moduleSpecifier as ts.StringLiteral).text)) {
    return 'kernel/real-time';
  }
  if (ts.isImportSpecifier(node)) {
    const imported = (node.propertyName ?? node.name).text;
    const module = (node.parent.parent.parent.moduleSpecifier as ts.StringLiteral).text;
    if (imported === 'randomUUID') return 'crypto.randomUUID';
    if (imported === 'delay' && module === 'msw') return "msw's delay";
  }
  return undefined;
}

/** Banned uses in one file's source text. */
function scanSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const mswNamespaces = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || (statement.moduleSpecifier as ts.StringLiteral).text !== 'msw') continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) mswNamespaces.add(bindings.name.text);
  }
  const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line;
  // The formatter may break a statement over lines: its first and last lines, and a comment
  // line right above it, may carry the opt-out too.
  const allowed = (node: ts.Node): boolean => {
    let statement: ts.Node = node;
    while (statement.parent !== undefined && !ts.isStatement(statement) && !ts.isClassElement(statement)) {
      statement = statement.parent;
    }
    const first = lineOf(statement.getStart(source));
    const candidates = [lineOf(node.getStart(source)), first, lineOf(statement.getEnd())];
    if (/^\s*\/\//.test(lines[first - 1] ?? '')) candidates.push(first - 1);
    return candidates.some((line) => ALLOWED.test(lines[line] ?? ''));
  };
  const findings: Finding[] = [];
  const visit = (node: ts.Node): void => {
    const api = bannedUse(node, mswNamespaces);
    if (api !== undefined && !allowed(node)) findings.push({ file, line: lineOf(node.getStart(source)) + 1, api });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

function simulatedWorldFiles(): string[] {
  const src = join(ROOT, 'src');
  return (readdirSync(src, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.ts') && !EXEMPT_FOLDERS.includes(path.split(sep)[0] ?? ''))
    .map((path) => join(src, path))
    .sort();
}

describe('tidy: banned APIs in the simulated world', () => {
  test('no file under src/ (but cli, realnet, report, bench) uses a banned API', () => {
    const files = simulatedWorldFiles();
    expect(files.some((file) => file.endsWith(join('kernel', 'scheduler.ts')))).toBe(true);
    const findings = files.flatMap((file) => scanSource(relative(ROOT, file), readFileSync(file, 'utf8')));
    const report = findings.map((finding) => `${finding.file}:${finding.line} uses ${finding.api}`);
    expect(
      report,
      `banned APIs (use the kernel, or end the line with "// allowed: <reason>"):\n${report.join('\n')}`,
    ).toEqual([]);
  });

  test('the scanner catches every banned use planted in a snippet, and only those', () => {
    const planted = [
      "import { delay } from 'msw';",
      "import * as msw from 'msw';",
      "import { randomUUID } from 'node:crypto';",
      "import { setTimeout as wait } from 'node:timers/promises';",
      'const a = Date.now();',
      'const b = new Date();',
      'const c = Math.random();',
      'setTimeout(() => {}, 10);',
      'const d = setInterval(tick, 5);',
      'const e = performance.now();',
      'const f = crypto.randomUUID();',
      'globalThis.setTimeout(tick, 1);',
      'const g = globalThis.Date.now();',
      'await msw.delay(100);',
      'const h = Date();',
      'const now = Date.now; // a reference is a use too',
      'const late = Date.now(); // allowed: wall time for the report footer',
      'const fine = new Date(clock.now());',
      'clock.setTimeout(tick, 5);',
      'class Clock { setTimeout(callback: () => void, ms: number) { return 1; } }',
      'type Handle = ReturnType<typeof setTimeout>;',
      '// Date.now() and Math.random() in a comment do not count',
      "const text = 'setTimeout(Date.now, Math.random())';",
      'const timer = setTimeout(',
      '  () => stop(),',
      '  limitMs,',
      '); // allowed: wall-time watchdog, broken over lines by the formatter',
      '// allowed: wall time of the run, reported only',
      'const started = performance.now();',
      'const unexplained = setTimeout(',
      '  tick,',
      '  5,',
      ');',
      '// a plain comment above does not opt out',
      'const stillBanned = Math.random();',
      "import { REAL } from '../kernel/real-time.ts';",
      "import { realNowMs } from './real-time.ts'; // allowed: a bounded real wait",
    ].join('\n');
    const found = scanSource('planted.ts', planted).map((finding) => `${finding.line} ${finding.api}`);
    expect(found).toEqual([
      "1 msw's delay",
      '3 crypto.randomUUID',
      '4 setTimeout',
      '5 Date.now',
      '6 new Date()',
      '7 Math.random',
      '8 setTimeout',
      '9 setInterval',
      '10 performance.now',
      '11 crypto.randomUUID',
      '12 setTimeout',
      '13 Date.now',
      "14 msw's delay",
      '15 Date()',
      '16 Date.now',
      '30 setTimeout',
      '35 Math.random',
      '36 kernel/real-time',
    ]);
  });
});
