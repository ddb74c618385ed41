import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's own name resolves to its sources in a checkout (examples import 'syncstorm');
  // tsc and tsx read the same mapping from tsconfig.json's `paths`.
  resolve: {
    alias: [
      { find: /^syncstorm$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      {
        find: /^syncstorm\/vitest$/,
        replacement: fileURLToPath(new URL('./src/vitest/conformance.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
    // Hang guards, not expectations: no test may depend on wall time (issue 19), and a busy
    // shared 2-core machine (`npm run test:loaded`) can make a child-process test ten times
    // slower than on an idle one. A test that takes this long is stuck.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
