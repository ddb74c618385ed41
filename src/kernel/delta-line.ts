/**
 * @module kernel/delta-line
 * The hashed line of an event whose list was diffed (kernel/trace-delta), written from the
 * JSON of each put item as the encoder already holds it, instead of serialising every item
 * again. At 1,000 devices every device's views put every record, the same shared frozen
 * record in a thousand devices' views: JSON.stringify of those lines wrote ≈ 120 MB per run,
 * while the distinct records' JSON is well under 1 MB (bench/README.md, session 10).
 *
 * The line is exactly `JSON.stringify(written)`: its fields in JSON.stringify's own order
 * (Object.keys: integer keys first, then insertion order), each other field written by
 * JSON.stringify of a one-field object (so `toJSON` gets its field name, as in the whole
 * object), the delta as `{"put":[…],"drop":[…]}` with `put` from the given JSON texts.
 * The caller gives JSON texts only for items whose JSON does not depend on where they
 * stand (frozen plain data, kernel/frozen: no `toJSON`).
 */

/**
 * `JSON.stringify(written)`, where `written[field]` is `{ put, drop }` and `putJsons[i]` is
 * the JSON of `put[i]`; undefined when `written` could serialise otherwise (a `toJSON` of
 * its own, or a delta that is not exactly those two fields).
 */
export function deltaLine(
  written: Record<string, unknown>,
  field: string,
  putJsons: readonly string[],
  drop: readonly string[],
): string | undefined {
  if ('toJSON' in written) return undefined;
  const delta = written[field] as Record<string, unknown> | undefined;
  if (delta === undefined || Object.keys(delta).join() !== 'put,drop') return undefined;
  const parts: string[] = [];
  for (const key of Object.keys(written)) {
    if (key === field) {
      parts.push(`${JSON.stringify(key)}:{"put":[${putJsons.join(',')}],"drop":${JSON.stringify(drop)}}`);
      continue;
    }
    // A computed key is an own property even when it is `__proto__`.
    const one = JSON.stringify({ [key]: written[key] });
    if (one !== '{}') parts.push(one.slice(1, -1));
  }
  return `{${parts.join(',')}}`;
}
