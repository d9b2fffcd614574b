import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { messageSchemaFiles } from '../libs/contracts/src/message-json-schemas';

/**
 * `npm run docs:messages`: rewrites docs/messages/*.schema.json from the zod contracts, formatted
 * the way `npm run lint` checks them.
 */
async function main(): Promise<void> {
  const outputDirectory = join(__dirname, '..', 'docs', 'messages');
  mkdirSync(outputDirectory, { recursive: true });
  const files = messageSchemaFiles();
  const current = new Set(files.map((file) => file.fileName));
  // A message removed from the registry must not leave its old schema behind.
  for (const existing of readdirSync(outputDirectory)) {
    if (existing.endsWith('.schema.json') && !current.has(existing)) {
      rmSync(join(outputDirectory, existing));
    }
  }
  for (const file of files) {
    const path = join(outputDirectory, file.fileName);
    const options = (await resolveConfig(path)) ?? {};
    writeFileSync(path, await format(JSON.stringify(file.schema), { ...options, filepath: path }));
  }
  process.stdout.write(`wrote ${files.length} message schemas to docs/messages/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
