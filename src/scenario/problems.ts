/**
 * @module scenario/problems
 * A problem in a scenario file: where (a JSON path such as `steps[3].device`) and what, in
 * one sentence a user can act on. Zod's issues are turned into such sentences here, with
 * the offending value quoted, so the message stands on its own without the schema.
 */
import type { z } from 'zod';
import type { JsonPath } from './json-source.ts';

export interface ScenarioProblem {
  path: JsonPath;
  /** A sentence that starts with the path, e.g. "steps[3].device 'C' is not declared." */
  message: string;
}

/** `steps[3].device`; the root is `(root)`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(root)' : out;
}

/** A short JSON rendering of a value for a message (long values are cut). */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let value = root;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

const KIND_OF_DISCRIMINATOR: Readonly<Record<string, string>> = {
  do: 'step kind',
  op: 'field op',
  type: 'type',
};

const NOUN: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isInteger(value)) return `the number ${value}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${quote(value)}`;
}

type Issue = z.core.$ZodIssue;

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string')
    return small && limit <= 1
      ? 'must not be empty'
      : `must have ${small ? 'at least' : 'at most'} ${limit} characters`;
  if (issue.origin === 'array') {
    const items = limit === 1 ? 'item' : 'items';
    return `must have ${small ? 'at least' : 'at most'} ${limit} ${items}${Array.isArray(value) ? ` (it has ${value.length})` : ''}`;
  }
  return `must be ${small ? '>' : '<'}${inclusive ? '=' : ''} ${limit} (got ${quote(value)})`;
}

function describeIssue(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is missing: expected ${NOUN[issue.expected] ?? issue.expected}`;
      return `must be ${NOUN[issue.expected] ?? issue.expected}, not ${typeName(value)}`;
    case 'unrecognized_keys': {
      const keys = issue.keys.map((name) => `'${name}'`).join(', ');
      return `has unknown ${issue.keys.length === 1 ? 'property' : 'properties'} ${keys} (a typo?)`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((option) => quote(option)).join(', ')} (got ${quote(value)})`;
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator !== undefined && options !== undefined) {
        const noun = KIND_OF_DISCRIMINATOR[discriminator] ?? discriminator;
        const got = value === undefined ? 'is missing' : `${quote(value)} is not a known ${noun}`;
        return `${got}: expected one of ${options.map((option) => String(option)).join(', ')}`;
      }
      return `has the wrong shape (got ${quote(value)})`;
    }
    case 'too_small':
    case 'too_big':
      return bound(issue, value);
    case 'invalid_format':
      return `${issue.message} (got ${quote(value)})`;
    default:
      return `${issue.message} (got ${quote(value)})`;
  }
}

/** Turns zod's issues into problems, in the order zod found them. */
export function problemsFromZod(issues: readonly Issue[], input: unknown): ScenarioProblem[] {
  return issues.map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    const value = valueAt(input, path);
    if (issue.code === 'invalid_key') {
      const inner = issue.issues[0]?.message ?? 'is not allowed';
      return { path, message: `${formatPath(path.slice(0, -1))} key ${quote(path.at(-1))} ${inner}.` };
    }
    const where = issue.code === 'unrecognized_keys' && path.length === 0 ? 'the scenario' : formatPath(path);
    return { path, message: `${where} ${describeIssue(issue, value)}.` };
  });
}
