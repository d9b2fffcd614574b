import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { messageSchemaFiles } from './message-json-schemas';
import { messageContracts } from './registry';

const docsDirectory = join(__dirname, '..', '..', '..', 'docs', 'messages');
const regenerate = 'run `npm run docs:messages` and commit docs/messages/';

describe('docs/messages: the committed JSON Schemas match the zod contracts', () => {
  const generated = messageSchemaFiles();

  it.each(generated.map((file) => [file.fileName, file.schema] as const))(
    '%s is up to date',
    (fileName, schema) => {
      const path = join(docsDirectory, fileName);
      if (!existsSync(path)) throw new Error(`${fileName} is missing: ${regenerate}`);
      const committed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      // Compared as data, not text: prettier may lay the file out as it likes.
      if (JSON.stringify(committed) !== JSON.stringify(schema)) {
        throw new Error(`${fileName} differs from its zod contract: ${regenerate}`);
      }
    },
  );

  it('holds no schema of a message the registry no longer has', () => {
    const expected = new Set(generated.map((file) => file.fileName));
    const stale = readdirSync(docsDirectory).filter(
      (name) => name.endsWith('.schema.json') && !expected.has(name),
    );
    expect({ stale, fix: stale.length > 0 ? regenerate : 'none' }).toEqual({
      stale: [],
      fix: 'none',
    });
  });

  it('each schema is draft 2020-12, titled by its name, with the routing of its contract', () => {
    for (const { schema } of generated) {
      const contract = messageContracts[schema.title];
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema['x-amqp']).toMatchObject({
        exchange: contract.exchange,
        routingKey: contract.routingKey,
        type: contract.name,
      });
    }
  });

  it('the README documents every message, its exchange and routing key', () => {
    const readme = readFileSync(join(docsDirectory, 'README.md'), 'utf8');
    for (const contract of Object.values(messageContracts)) {
      for (const fact of [
        contract.name,
        contract.exchange,
        contract.routingKey,
        `${contract.name}.schema.json`,
      ]) {
        expect({ message: contract.name, documented: readme.includes(fact), fact }).toEqual({
          message: contract.name,
          documented: true,
          fact,
        });
      }
    }
  });
});
