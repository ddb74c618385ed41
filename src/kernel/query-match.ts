/**
 * @module kernel/query-match
 * How a fault rule's `query` looks at a request's query string (network rules and server
 * fault rules alike): every key listed must agree with the request, keys not listed are
 * ignored. A string value must equal the parameter's (first) value exactly, `'*'` means
 * "present, any value", and `null` means "absent". An empty `query` matches every request.
 */

/** A rule's query condition: parameter name → exact value, `'*'` (present) or null (absent). */
export type QueryMatch = Readonly<Record<string, string | null>>;

/** Bound on the keys of one query condition (a rule is written by hand or drawn, never large). */
export const QUERY_KEYS_MAX = 32;

/** Whether `params` (a request's query string) satisfies `match`; no `match` matches all. */
export function queryMatches(match: QueryMatch | undefined, params: URLSearchParams | undefined): boolean {
  if (match === undefined) return true;
  for (const [key, wanted] of Object.entries(match)) {
    const actual = params?.get(key) ?? null;
    if (wanted === null) {
      if (actual !== null) return false;
    } else if (actual === null || (wanted !== '*' && actual !== wanted)) {
      return false;
    }
  }
  return true;
}

/** What is wrong with a value that should be a QueryMatch, or undefined. */
export function queryMatchProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'query must be an object';
  const entries = Object.entries(value);
  if (entries.length > QUERY_KEYS_MAX) return `query has more than ${QUERY_KEYS_MAX} keys`;
  for (const [key, wanted] of entries) {
    if (key === '') return 'query keys must not be empty';
    if (wanted !== null && typeof wanted !== 'string') return `query.${key} must be a string or null`;
  }
  return undefined;
}
