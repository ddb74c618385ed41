#!/usr/bin/env node
// The syncstorm command. An installed package runs its built JavaScript (dist/); a git
// checkout (src/ beside bin/, which the package does not ship) runs the TypeScript sources
// through the tsx loader, so a developer never runs a stale build.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
