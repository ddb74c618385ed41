/**
 * A deterministic generator of malformed scenario files for the hostile-input suite:
 * seeded mutations of the valid scenarios under scenarios/, one family per kind of
 * mistake or attack (wrong types, missing and extra fields, huge numbers, deep nesting,
 * duplicate keys, bad Unicode, truncated text, unknown devices, negative times, bad rules,
 * control characters, prototype keys). The same seed gives the same files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface HostileFile {
  kind: string;
  /** File name (unique). */
  name: string;
  bytes: Buffer;
}

interface Rng {
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
}

function rngOf(seed: string): Rng {
  const random = seedrandom(seed);
  const int = (max: number) => Math.floor(random() * max);
  return { int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

/** The valid scenario texts the mutations start from. */
export function baseScenarios(root = 'scenarios'): { name: string; text: string }[] {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();
  return files.map((file) => ({ name: file, text: readFileSync(join(root, file), 'utf8') }));
}

/** Every [path, value] in a JSON value, the root included. */
function paths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [path];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [path, ...entries.flatMap(([key, item]) => paths(item, [...path, key]))];
}

function parentOf(root: Json, path: (string | number)[]): JsonObject | Json[] | undefined {
  let target = root;
  for (const part of path.slice(0, -1)) target = (target as JsonObject)[part as string];
  return typeof target === 'object' && target !== null ? (target as JsonObject) : undefined;
}

function setAt(root: Json, path: (string | number)[], value: Json): void {
  const parent = parentOf(root, path);
  if (parent !== undefined && path.length > 0) (parent as JsonObject)[path.at(-1) as string] = value;
}

function objectPaths(root: Json): (string | number)[][] {
  return paths(root).filter((path) => {
    let target = root;
    for (const part of path) target = (target as JsonObject)[part as string];
    return typeof target === 'object' && target !== null && !Array.isArray(target);
  });
}

function at(root: Json, path: (string | number)[]): Json {
  let target = root;
  for (const part of path) target = (target as JsonObject)[part as string];
  return target;
}

const WRONG_VALUES: Json[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [[]], { do: 'heal' }, '0', 1e21];
const HUGE_NUMBERS = ['1e400', '-1e400', `1${'0'.repeat(499)}`, '9007199254740993', '1e308', '-0', '0.0000001'];
const CONTROL_NAMES = ['\u001b[2J\u001b[H', 'a\u0007b', '\u202eevil', 'line\nbreak', '\u0000', '\u009b31m'];
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'];

type Mutation = (scenario: JsonObject, rng: Rng, text: string) => string | Buffer;

const pretty = (value: Json) => JSON.stringify(value, null, 2);

const MUTATIONS: Record<string, Mutation> = {
  'wrong-type': (s, rng) => {
    setAt(s, rng.pick(paths(s).filter((path) => path.length > 0)), rng.pick(WRONG_VALUES));
    return pretty(s);
  },
  'missing-field': (s, rng) => {
    const path = rng.pick(paths(s).filter((candidate) => candidate.length > 0));
    const parent = parentOf(s, path);
    if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
    else if (parent !== undefined) delete parent[path.at(-1) as string];
    return pretty(s);
  },
  'extra-field': (s, rng) => {
    const target = at(s, rng.pick(objectPaths(s))) as JsonObject;
    target[rng.pick(['extra', 'Name', 'devcies', 'at ', ''])] = rng.pick(WRONG_VALUES);
    return pretty(s);
  },
  'huge-number': (s, rng) => {
    const numbers = paths(s).filter((path) => typeof at(s, path) === 'number' || path.at(-1) === 'at');
    const path = numbers.length > 0 ? rng.pick(numbers) : ['seed'];
    setAt(s, path, '@@NUMBER@@');
    return pretty(s).replace('"@@NUMBER@@"', rng.pick(HUGE_NUMBERS));
  },
  'deep-nesting': (s, rng) => {
    const depth = rng.pick([20, 63, 65, 200, 5000]);
    const open = rng.pick(['[', '{"a":']);
    const close = open === '[' ? ']' : '}';
    setAt(s, rng.pick(paths(s).filter((path) => path.length > 0)), '@@DEEP@@');
    return pretty(s).replace('"@@DEEP@@"', `${open.repeat(depth)}1${close.repeat(depth)}`);
  },
  'duplicate-key': (_s, rng, text) => {
    const lines = text.split('\n');
    // Lines holding a whole `"key": value`, so that the copy is a complete member.
    const member = /^\s*"[^"]+":\s*("[^"]*"|-?\d[\d.eE+-]*|true|false|null|\{.*\}|\[.*\])\s*,?\s*$/;
    const keyed = lines.map((line, index) => [line, index] as const).filter(([line]) => member.test(line));
    const [line, index] = rng.pick(keyed);
    const copy = line.replace(/,?\s*$/, '');
    lines.splice(index, 0, `${copy},`);
    return lines.join('\n');
  },
  'bad-unicode': (s, rng) => {
    const kind = rng.int(4);
    if (kind === 0) return Buffer.concat([Buffer.from(pretty(s).slice(0, 40)), Buffer.from([0xc3, 0x28, 0xff])]);
    if (kind === 1) return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(pretty(s), 'utf16le')]);
    s.name = '@@U@@';
    return pretty(s).replace('"@@U@@"', rng.pick(['"\\ud800"', '"\\udfff\\ud800"', '"\\u00"', '"\\x41"']));
  },
  truncated: (_s, rng, text) => text.slice(0, rng.int(text.length)),
  'unknown-device': (s, rng) => {
    const steps = s.steps as JsonObject[];
    const withDevice = steps.filter((step) => typeof step.device === 'string');
    const step = withDevice.length > 0 ? rng.pick(withDevice) : (steps[0] ?? {});
    step.device = rng.pick(['ghost', 'PHONE', '', ' phone']);
    return pretty(s);
  },
  'negative-time': (s, rng) => {
    const steps = s.steps as JsonObject[];
    const step = steps.length > 0 ? rng.pick(steps) : undefined;
    if (step !== undefined) step.at = rng.pick([-1, -1e9, -0.5]);
    else s.steps = [{ at: -5, do: 'heal' }];
    return pretty(s);
  },
  'bad-rule': (s, rng) => {
    const rules: Json[] = [
      { match: {}, verdict: { type: 'status', status: 503, headers: { 'Bad Header': 'x' } } },
      { match: {}, verdict: { type: 'status', status: 99 } },
      { match: { path: 'no-slash' }, verdict: { type: 'drop-request' } },
      { match: { probability: 2 }, verdict: { type: 'reset' } },
      { match: { nth: 0 }, verdict: { type: 'delay', ms: -1 } },
      { match: {}, verdict: { type: 'teleport' } },
      { match: { device: 'ghost' }, verdict: { type: 'pass' } },
    ];
    const server: Json[] = [
      { match: { route: 'nowhere' }, fault: { type: '500' } },
      { match: { fromMs: 10, untilMs: 5 }, fault: { type: '409' } },
      { match: {}, fault: { type: '429' } },
      { match: {}, fault: { type: 'explode' } },
    ];
    if (rng.int(2) === 0) s.networkRules = [rng.pick(rules)];
    else s.serverRules = [rng.pick(server)];
    return pretty(s);
  },
  'control-characters': (s, rng) => {
    const name = rng.pick(CONTROL_NAMES);
    const where = rng.int(3);
    if (where === 0) s.name = name;
    else if (where === 1) s.client = name;
    else ((s.steps as JsonObject[])[0] ?? s).device = name;
    return pretty(s);
  },
  'prototype-keys': (s, rng) => {
    const key = rng.pick(PROTO_KEYS);
    const where = rng.int(3);
    if (where === 0) return pretty(s).replace(/^\{/, `{ "${key}": { "polluted": true },`);
    if (where === 1) (s.devices as JsonObject[]).push({ id: key });
    else (s.expect as JsonObject).violations = [key];
    return pretty(s);
  },
};

export const HOSTILE_KINDS = Object.keys(MUTATIONS);

/** `perKind` files of every kind, from `seed`. */
export function hostileScenarios(seed: string, perKind: number): HostileFile[] {
  const rng = rngOf(seed);
  const bases = baseScenarios();
  const files: HostileFile[] = [];
  for (const kind of HOSTILE_KINDS) {
    for (let index = 0; index < perKind; index++) {
      const base = rng.pick(bases);
      const out = (MUTATIONS[kind] as Mutation)(JSON.parse(base.text) as JsonObject, rng, base.text);
      files.push({ kind, name: `${kind}-${index}.json`, bytes: typeof out === 'string' ? Buffer.from(out) : out });
    }
  }
  return files;
}
