#!/usr/bin/env node
// The syncstorm command. TypeScript sources run through the tsx loader: no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
