import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { syntheticArticle } from './support/synthetic-articles';
import { TestSystem } from './support/test-system';

const run = promisify(execFile);
const DIST = process.env.NEWSFLOW_DIST ?? join(__dirname, '..', 'dist');
const CLI = join(DIST, 'scripts', 'ingest-cli', 'main.js');

interface CliSummary {
  files: number;
  articles: number;
  accepted: number;
  rejected: number;
  failed: number;
  rejectedReasons: Array<{ reason: string; count: number; examples: string[] }>;
  acceptedIds: string[];
  processing?: {
    stored: number;
    duplicate: number;
    rejected: number;
    events: number;
    pending: string[];
  };
}

/** A synthetic article as a file holds it: without an id, so the CLI assigns a stable one. */
function withoutId(seed: number, source: string): Record<string, unknown> {
  const article: Record<string, unknown> = { ...syntheticArticle(seed, source) };
  delete article.id;
  return article;
}

/** The article body of a synthetic article, without its id: the CLI assigns stable ones. */
function textOf(seed: number): string {
  const article = syntheticArticle(seed, 'cli-test');
  return `${article.title}\n\n${article.text}`;
}

describe('newsflow-ingest: the bulk-ingest CLI against the running system', () => {
  let system: TestSystem;
  let folder: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    folder = mkdtempSync(join(tmpdir(), 'newsflow-cli-'));
    mkdirSync(join(folder, 'nested'));
    writeFileSync(join(folder, 'one.txt'), textOf(7_001));
    writeFileSync(join(folder, 'copy-of-one.txt'), textOf(7_001));
    writeFileSync(
      join(folder, 'nested', 'page.html'),
      `<html><head><title>Harbour budget</title></head><body><article>${textOf(7_002)
        .split('\n\n')
        .map((paragraph) => `<p>${paragraph}</p>`)
        .join('')}</article></body></html>`,
    );
    writeFileSync(
      join(folder, 'two.json'),
      JSON.stringify([
        withoutId(7_003, 'cli-json'),
        { source: 'cli-json', title: 'no body at all' },
      ]),
    );
    const lines = [7_004, 7_005].map((seed) => JSON.stringify(withoutId(seed, 'cli-ndjson')));
    writeFileSync(join(folder, 'nested', 'more.ndjson'), `${lines.join('\n')}\n{broken\n`);
    writeFileSync(join(folder, 'ignored.csv'), 'a,b\n1,2\n');
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await system?.stop();
  });

  async function runCli(...args: string[]): Promise<{ summary: CliSummary; stderr: string }> {
    const { stdout, stderr } = await run(
      process.execPath,
      [CLI, '--url', system.ingestUrl, '--store-url', system.storeUrl, '--json', ...args],
      { timeout: 120_000 },
    );
    return { summary: JSON.parse(stdout) as CliSummary, stderr };
  }

  it('is compiled with its shebang, so the bin entry runs it', () => {
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const packageJson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(packageJson.bin['newsflow-ingest']).toBe('dist/scripts/ingest-cli/main.js');
  });

  let firstIds: string[];

  it('imports a folder of mixed files, reports rejects, and with --wait what became of them', async () => {
    const { summary, stderr } = await runCli(folder, '--batch-size', '3', '--wait');
    expect(summary.files).toBe(5);
    expect(summary.articles).toBe(8);
    expect(summary.accepted).toBe(6);
    expect(summary.failed).toBe(0);
    expect(summary.rejected).toBe(2);
    const reasons = summary.rejectedReasons.map((group) => group.reason).join('\n');
    expect(reasons).toMatch(/not valid JSON/);
    expect(reasons).toMatch(/text|html/);
    expect(summary.processing).toMatchObject({ stored: 5, duplicate: 1, pending: [] });
    expect(summary.processing?.events).toBeGreaterThanOrEqual(1);
    // The unreadable NDJSON line is never sent: 7 requests' worth of articles.
    expect(stderr).toMatch(/sending \[#+\] 7\/7 100%/);
    firstIds = summary.acceptedIds;
  });

  it('sends the same ids again on a re-run, so nothing is stored twice', async () => {
    const [{ count: before }] = await system.infrastructure.query<{ count: string }>(
      'SELECT count(*) FROM articles',
    );
    const { summary } = await runCli(folder, '--wait', '--quiet');
    expect([...summary.acceptedIds].sort()).toEqual([...firstIds].sort());
    expect(summary.processing).toMatchObject({ stored: 5, duplicate: 1, pending: [] });
    const [{ count: after }] = await system.infrastructure.query<{ count: string }>(
      'SELECT count(*) FROM articles',
    );
    expect(after).toBe(before);
    expect(Number(after)).toBe(6);
  });

  it('reads NDJSON from stdin', async () => {
    const child = execFile(process.execPath, [
      CLI,
      '--url',
      system.ingestUrl,
      '--json',
      '--quiet',
      '-',
    ]);
    const output = new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}`)),
      );
    });
    child.stdin?.end(`${JSON.stringify(withoutId(7_010, 'cli-stdin'))}\n`);
    const summary = JSON.parse(await output) as CliSummary;
    expect(summary).toMatchObject({ accepted: 1, rejected: 0, failed: 0 });
    await system.processedArticle(summary.acceptedIds[0]);
  });
});
