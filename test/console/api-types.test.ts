/**
 * The console's typed client (web/src/api/schema.d.ts) must describe the API as it is: this
 * regenerates the types from the routes' OpenAPI document and compares them with the committed
 * file. A changed endpoint fails here until `npm run api:types` is run, and then fails the
 * console's type check wherever the console relies on what changed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApiDocument } from '../../api/openapi-dump';

const root = resolve(__dirname, '../..');

it('the committed console API types match the current routes (run `npm run api:types` after changing an endpoint)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-api-types-'));
  const doc = join(dir, 'openapi.json');
  const out = join(dir, 'schema.d.ts');
  writeFileSync(doc, JSON.stringify(openApiDocument(), null, 2));
  execFileSync(process.execPath, [join(root, 'node_modules/openapi-typescript/bin/cli.js'), doc, '-o', out], { cwd: root, stdio: 'pipe' });
  const fresh = readFileSync(out, 'utf8');
  const committed = readFileSync(join(root, 'web/src/api/schema.d.ts'), 'utf8');
  // Compare line counts first for a readable failure, then the whole text.
  expect(committed.split('\n').length).toBe(fresh.split('\n').length);
  expect(committed === fresh).toBe(true);
});
