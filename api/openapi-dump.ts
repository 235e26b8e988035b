/**
 * The OpenAPI document without a running server: `node dist/api/openapi-dump.js <file>`.
 * The web console's typed client (web/src/api/schema.d.ts) is generated from it
 * (`npm run api:types`), and test/console/api-types.test.ts fails when the committed types no
 * longer match the routes, so a changed endpoint breaks the console's type check, not its users.
 */
import { writeFileSync } from 'node:fs';
import { buildOpenApi } from './openapi';
import { modules } from './modules';

/** Fixed version: the document feeds a committed file, which must not change with the release number. */
export const openApiDocument = () => buildOpenApi(modules, { version: 'console' });

if (require.main === module) {
  const out = process.argv[2];
  const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  // Route modules pull in the runtime's modules; nothing here should keep the process alive.
  process.exit(0);
}
