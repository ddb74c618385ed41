/**
 * @module realnet/proxy/names
 * Names of the embedded proxy's proxies and toxics. They come from strangers' requests and
 * end up in paths and JSON keys, so they are kept plain: a letter or digit first, then
 * letters, digits, '.', '_' and '-' — no `../x`, no `__proto__`, nothing to escape.
 */
import { API_ERRORS } from './api-error.ts';

/** Names of proxies and toxics: a letter or digit, then letters, digits, '.', '_', '-'; 128 at most. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `name` if it is a valid proxy or toxic name; a 400 otherwise. */
export function checkName(name: unknown, what: 'proxy' | 'toxic'): string {
  if (typeof name !== 'string' || name === '') throw API_ERRORS.missingField('name');
  if (!NAME_PATTERN.test(name)) {
    throw API_ERRORS.badBody(
      `${what} name '${name.slice(0, 64)}' must start with a letter or digit and hold only letters, digits, '.', '_' and '-' (128 at most)`,
    );
  }
  return name;
}
