/**
 * Goal: the committed JSON Schema is exactly what the zod schema generates, and it agrees
 * with the loader. Method: compare schema/scenario.schema.json with a fresh rendering
 * (run `npm run schema` after changing the zod schema); check that every file in
 * scenarios/ points at it and that the schema names every step kind and fault type.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NETWORK_FAULTS, SERVER_FAULTS } from '../../src/cli/catalog.ts';
import { scenarioFiles } from '../../src/scenario/load.ts';
import { FAULT_TYPES_OF_SCHEMA } from '../../src/scenario/schema.ts';
import { renderSchemaFile, SCHEMA_FILE } from '../../src/scenario/schema-file.ts';

describe('scenario JSON Schema', () => {
  it('is current (regenerate with `npm run schema`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchemaFile());
  });

  it('describes every step kind and rejects unknown keys', () => {
    const schema = JSON.parse(renderSchemaFile());
    const kinds = schema.$defs.Step.oneOf.map(
      (step: { properties: { do: { const: string } } }) => step.properties.do.const,
    );
    expect(kinds).toEqual([
      'create',
      'update',
      'delete',
      'resolve',
      'sync',
      'offline',
      'online',
      'partition',
      'repair',
      'background',
      'foreground',
      'kill',
      'restart',
      'skew',
      'server-write',
      'heal',
      'open-instance',
      'close-instance',
      'subscribe',
    ]);
    expect(schema.additionalProperties).toBe(false);
  });

  it('lists the same fault types as `syncstorm list faults`', () => {
    expect([...FAULT_TYPES_OF_SCHEMA.network].sort()).toEqual(Object.keys(NETWORK_FAULTS).sort());
    expect([...FAULT_TYPES_OF_SCHEMA.server].sort()).toEqual(Object.keys(SERVER_FAULTS).sort());
  });

  it('is the $schema of every scenario file', () => {
    for (const file of scenarioFiles(['scenarios'])) {
      const expected = file.includes('/mutants/')
        ? '../../schema/scenario.schema.json'
        : '../schema/scenario.schema.json';
      expect(JSON.parse(readFileSync(file, 'utf8')).$schema, file).toBe(expected);
    }
  });
});
