#!/usr/bin/env node
/**
 * @module scripts/build
 * `npm run build` (and `prepack`): compiles src/ into dist/ for the published package.
 * tsc emits ESM JavaScript and .d.ts (tsconfig.build.json rewrites the sources' `.ts`
 * import specifiers to `.js`); this script then copies the files tsc does not emit
 * (pipe-worker.mjs), rewrites the `.ts` specifiers tsc leaves in declaration files, and
 * writes the CommonJS entries: `require('syncstorm')` loads the ESM build through Node's
 * require(esm) (Node ≥ 20.19), so both module systems share one copy of syncstorm.
 * A git checkout does not need dist/: bin/syncstorm.mjs runs the sources through tsx there.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Every file under `folder`, recursively. */
function filesUnder(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  process.stderr.write('[syncstorm] build: tsc failed\n');
  process.exit(1);
}
for (const file of filesUnder(join(root, 'src'))) {
  if (file.endsWith('.mjs')) copyFileSync(file, join(dist, file.slice(join(root, 'src').length)));
}
// Relative specifiers in declaration files: './x.ts' → './x.js' (import, export, import()).
const TS_SPECIFIER = /((?:from|import\()\s*['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g;
for (const file of filesUnder(dist).filter((path) => path.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(TS_SPECIFIER, '$1.js$2');
  if (rewritten !== text) writeFileSync(file, rewritten);
}
const cjsEntry = (target) =>
  `// CommonJS entry: the ESM build, loaded through require(esm) (Node >= 20.19).\nmodule.exports = require('${target}');\n`;
writeFileSync(join(dist, 'index.cjs'), cjsEntry('./index.js'));
writeFileSync(join(dist, 'vitest/conformance.cjs'), cjsEntry('./conformance.js'));
process.stdout.write(`[syncstorm] build: dist/ written (${filesUnder(dist).length} files)\n`);
