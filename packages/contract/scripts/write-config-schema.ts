// Writes schema/assent.config.schema.json from the zod schema (`pnpm --filter @assent/contract schema`).
import { writeFileSync } from 'node:fs';
import { assentConfigJsonSchema } from '../src/config/assent-config.ts';

const file = new URL('../schema/assent.config.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(assentConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
