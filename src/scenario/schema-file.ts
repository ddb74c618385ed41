/**
 * @module scenario/schema-file
 * The committed JSON Schema file: where it lives and its exact text, generated from the
 * zod schema. `npm run schema` writes it; a test checks the committed file is current.
 */
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from './schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));

export function renderSchemaFile(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
