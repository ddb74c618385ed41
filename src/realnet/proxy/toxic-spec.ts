/**
 * @module realnet/proxy/toxic-spec
 * Toxics as the admin API sees them (Toxiproxy's JSON: name, type, stream, toxicity,
 * attributes), their attribute defaults, and validation of create and update bodies. The
 * types are Toxiproxy's: latency, bandwidth, slow_close, timeout, reset_peer, slicer,
 * limit_data and noop. As Toxiproxy 2.12 (which decodes them into int64 fields): attributes
 * are whole numbers, negative ones accepted (each toxic treats them as 0 or "off", as
 * Toxiproxy's do), unknown ones ignored; here they are bounded by ±ATTRIBUTE_MAX, the longest
 * timer Node keeps. Toxicity is any number (below 0 never applies, above 1 always), an empty
 * or missing name becomes `<type>_<stream>`; the stream is upstream or downstream, and a
 * given name is checked as a proxy's (registry.ts).
 */
import { API_ERRORS } from './api-error.ts';
import { checkName } from './names.ts';

export type Stream = 'upstream' | 'downstream';

export const TOXIC_DEFAULTS = {
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
  noop: {},
} as const satisfies Record<string, Record<string, number>>;

export type ToxicType = keyof typeof TOXIC_DEFAULTS;

/** Largest attribute value: 2^31 - 1, the longest a Node timer waits (ms; µs for slicer's delay). */
export const ATTRIBUTE_MAX = 2_147_483_647;

export interface ToxicJson {
  name: string;
  type: ToxicType;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, number>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isToxicType(value: unknown): value is ToxicType {
  return typeof value === 'string' && Object.hasOwn(TOXIC_DEFAULTS, value);
}

function readAttributes(type: ToxicType, base: Record<string, number>, value: unknown): Record<string, number> {
  if (value === undefined || value === null) return { ...base };
  if (!isObject(value)) throw API_ERRORS.badBody('attributes must be an object');
  const attributes = { ...base };
  for (const name of Object.keys(TOXIC_DEFAULTS[type])) {
    const given = value[name];
    if (given === undefined) continue;
    if (typeof given !== 'number' || !Number.isInteger(given) || Math.abs(given) > ATTRIBUTE_MAX)
      throw API_ERRORS.badBody(`attributes.${name} must be a whole number from -${ATTRIBUTE_MAX} to ${ATTRIBUTE_MAX}`);
    attributes[name] = given;
  }
  return attributes;
}

function readToxicity(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw API_ERRORS.badBody('toxicity must be a number');
  return value;
}

/** A new toxic from a POST body (Toxiproxy's defaults: stream downstream, toxicity 1, name `<type>_<stream>`). */
export function parseToxic(body: unknown): ToxicJson {
  if (!isObject(body)) throw API_ERRORS.badBody('expected a JSON object');
  if (!isToxicType(body.type)) throw API_ERRORS.invalidToxicType();
  const stream = body.stream ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream') throw API_ERRORS.invalidStream();
  const name = checkName(body.name === undefined || body.name === '' ? `${body.type}_${stream}` : body.name, 'toxic');
  return {
    name,
    type: body.type,
    stream,
    toxicity: readToxicity(body.toxicity, 1),
    attributes: readAttributes(body.type, TOXIC_DEFAULTS[body.type], body.attributes),
  };
}

/** `existing` changed by a PATCH/POST body: toxicity and attributes (name, type and stream stay). */
export function updateToxic(existing: ToxicJson, body: unknown): ToxicJson {
  if (!isObject(body)) throw API_ERRORS.badBody('expected a JSON object');
  return {
    ...existing,
    toxicity: readToxicity(body.toxicity, existing.toxicity),
    attributes: readAttributes(existing.type, existing.attributes, body.attributes),
  };
}
