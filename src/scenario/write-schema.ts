/**
 * @module scenario/write-schema
 * `npm run schema`: regenerates schema/scenario.schema.json from the zod schema.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderSchemaFile, SCHEMA_FILE } from './schema-file.ts';

writeFileSync(SCHEMA_FILE, renderSchemaFile());
console.log(`wrote ${relative(process.cwd(), SCHEMA_FILE)}`);
