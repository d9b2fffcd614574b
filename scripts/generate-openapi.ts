import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { apiDocument } from './support/openapi-document';

/** `npm run docs:openapi`: rewrites docs/openapi.json, the document the store serves at /docs/json. */
async function main(): Promise<void> {
  const path = join(__dirname, '..', 'docs', 'openapi.json');
  const options = (await resolveConfig(path)) ?? {};
  // Formatted the way `npm run lint` checks it.
  const text = await format(JSON.stringify(await apiDocument()), { ...options, filepath: path });
  writeFileSync(path, text);
  process.stdout.write('wrote docs/openapi.json\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
