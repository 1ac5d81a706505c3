/**
 * Writes the OpenAPI document to a file (or stdout) without a server: what
 * `npm run lint:api` hands to Redocly and openapi-typescript.
 * Usage: tsx scripts/openapi-document.ts [out.json]
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/http/openapi';

const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
const out = process.argv[2];
if (out) writeFileSync(out, text);
else process.stdout.write(text);
