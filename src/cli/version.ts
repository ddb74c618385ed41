/**
 * @module cli/version
 * syncstorm's version, read from its own package.json (the same depth above src/ and dist/).
 */
import { readFileSync } from 'node:fs';

/** The `version` field of syncstorm's package.json. */
export function syncstormVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error("[syncstorm] package.json has no 'version'");
  return version;
}
