/**
 * @module kernel/sibling-module
 * The path of a module next to the caller, for code that starts a process or a worker by
 * path. The extension follows the caller's own: `.ts` when syncstorm runs from its sources
 * (through tsx, in a checkout), `.js` when it runs from the built `dist/` (an installed package).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `siblingModule(import.meta.url, './campaign-worker')` → `/…/sim/campaign-worker.ts` (or `.js`). */
export function siblingModule(callerUrl: string, relativeName: string): string {
  const extension = extname(fileURLToPath(callerUrl));
  if (extension !== '.ts' && extension !== '.js') {
    throw new Error(`[syncstorm] siblingModule: unexpected module extension '${extension}' of ${callerUrl}`);
  }
  return fileURLToPath(new URL(`${relativeName}${extension}`, callerUrl));
}
