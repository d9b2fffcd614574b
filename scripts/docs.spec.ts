import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ingestEnvSchema, normalizerEnvSchema, storeEnvSchema } from '@newsflow/config';
import { apiDocument } from './support/openapi-document';

const root = join(__dirname, '..');
const readText = (path: string): string => readFileSync(join(root, path), 'utf8');

/** Every Markdown file of the repository that a reader of it can open. */
function markdownFiles(directory = root): string[] {
  const skipped = new Set(['node_modules', 'dist', 'test-artifacts', 'coverage']);
  return readdirSync(directory).flatMap((name) => {
    if (name.startsWith('.') || skipped.has(name)) return [];
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [relative(root, path)] : [];
  });
}

/** Link targets of one Markdown text: inline links, reference definitions, autolinks and bare URLs. */
function linkTargets(text: string): string[] {
  const withoutCode = text.replace(/^```[\s\S]*?^```/gm, '');
  return [
    ...[...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]),
    ...[...withoutCode.matchAll(/<((?:https?|ftp):\/\/[^>\s]+)>/g)].map((m) => m[1]),
    ...[...withoutCode.matchAll(/(?<![`(<\w])(https?:\/\/[^\s)`>]+)/g)].map((m) =>
      m[1].replace(/[.,;:]+$/, ''),
    ),
  ];
}

/** Why a link in `file` leaves the repository (or leads nowhere), or null when it stays inside. */
function linkProblem(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return `${file}: ${target} points outside the repository`;
  }
  if (target.startsWith('#')) return null;
  const path = decodeURI(target.split('#')[0]);
  // A leading slash is the repository's root, as a Git host renders it.
  const absolute = path.startsWith('/')
    ? resolve(root, `.${path}`)
    : resolve(root, dirname(file), path);
  if (relative(root, absolute).startsWith('..')) {
    return `${file}: ${target} leaves the repository`;
  }
  return existsSync(absolute) ? null : `${file}: ${target} does not exist`;
}

function linkProblems(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([file, text]) =>
    linkTargets(text)
      .map((target) => linkProblem(file, target))
      .filter((problem): problem is string => problem !== null),
  );
}

const configVariables = [
  ...new Set(
    [ingestEnvSchema, normalizerEnvSchema, storeEnvSchema].flatMap((schema) =>
      Object.keys(schema.shape),
    ),
  ),
].sort();

const undocumented = (text: string): string[] =>
  configVariables.filter((variable) => !text.includes(`\`${variable}\``));

describe('docs', () => {
  const markdown = Object.fromEntries(markdownFiles().map((file) => [file, readText(file)]));

  it('README.md and every page under docs/ and beside the code link only inside the repository', () => {
    expect(Object.keys(markdown)).toEqual(
      expect.arrayContaining(['README.md', 'docs/contract.md', 'docs/performance.md']),
    );
    expect(linkProblems(markdown)).toEqual([]);
    for (const [file, text] of Object.entries(markdown)) {
      expect({ file, namesOutsideSpec: /SPEC\.md/.test(text) }).toEqual({
        file,
        namesOutsideSpec: false,
      });
    }
  });

  it('the link check notices links that leave the repository or lead nowhere', () => {
    expect(
      linkProblems({
        'README.md': [
          'The contract: [SPEC.md](../shared/SPEC.md).',
          'See <https://example.org/x> and https://example.org/y.',
          '[gone](docs/no-such-page.md), [fine](docs/contract.md#guarantees), [here](#run-it)',
          '[root](/docs/contract.md), [root gone](/docs/none.md), [up](/../shared/SPEC.md)',
          '```\ncurl http://localhost:3000/articles\n```',
        ].join('\n'),
      }),
    ).toEqual([
      'README.md: ../shared/SPEC.md leaves the repository',
      'README.md: docs/no-such-page.md does not exist',
      'README.md: /docs/none.md does not exist',
      'README.md: /../shared/SPEC.md leaves the repository',
      'README.md: https://example.org/x points outside the repository',
      'README.md: https://example.org/y points outside the repository',
    ]);
  });

  it('the README links the contract', () => {
    expect(markdown['README.md']).toContain('](docs/contract.md)');
  });

  it('every variable the config schemas read is in docs/contract.md and the README', () => {
    expect(configVariables.length).toBeGreaterThan(15);
    expect(undocumented(markdown['docs/contract.md'])).toEqual([]);
    expect(undocumented(markdown['README.md'])).toEqual([]);
    expect(undocumented('`AMQP_URL`')).toContain('DATABASE_URL');
  });

  it('docs/openapi.json is what npm run docs:openapi writes from the code', async () => {
    const committed: unknown = JSON.parse(readText('docs/openapi.json'));
    const current: unknown = JSON.parse(JSON.stringify(await apiDocument()));
    expect({ current: committed, fix: 'npm run docs:openapi' }).toEqual({
      current,
      fix: 'npm run docs:openapi',
    });
  }, 60_000);
});
