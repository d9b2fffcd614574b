import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawArticle } from '@newsflow/text-processing';
import { WorkerArticlePreparer } from './worker-article-preparer';

const raw: RawArticle = {
  url: null,
  source: null,
  title: null,
  author: null,
  publishedAt: null,
  language: null,
  text: 'text',
  html: null,
  receivedAt: '2026-11-25T00:00:00.000Z',
};

/** Stand-in worker scripts speaking the pool's protocol (the real one runs from the build only). */
const WORKERS = {
  echo: `require('node:worker_threads').parentPort.on('message', (task) =>
    require('node:worker_threads').parentPort.postMessage(
      task.articleId === 'bad'
        ? { id: task.id, error: 'cannot prepare bad' }
        : { id: task.id, prepared: { kind: 'rejected', reason: 'seen ' + task.articleId } }));`,
  dying: `require('node:worker_threads').parentPort.on('message', () => process.exit(3));`,
};

describe('WorkerArticlePreparer', () => {
  const directory = mkdtempSync(join(tmpdir(), 'newsflow-preparer-'));
  const scripts = Object.fromEntries(
    Object.entries(WORKERS).map(([name, code]) => {
      const path = join(directory, `${name}.js`);
      writeFileSync(path, code);
      return [name, path];
    }),
  ) as Record<keyof typeof WORKERS, string>;
  const pools: WorkerArticlePreparer[] = [];
  const pool = (script: string, size: number) => {
    const created = new WorkerArticlePreparer(script, size, { maxOldGenerationSizeMb: 32 });
    pools.push(created);
    return created;
  };

  afterAll(async () => {
    await Promise.all(pools.map((created) => created.onApplicationShutdown()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers each article with its own result, spread over the pool', async () => {
    const preparer = pool(scripts.echo, 2);
    const ids = Array.from({ length: 20 }, (_, index) => `article-${index}`);
    const results = await Promise.all(ids.map((id) => preparer.prepare(id, raw, undefined)));
    expect(results).toEqual(ids.map((id) => ({ kind: 'rejected', reason: `seen ${id}` })));
  });

  it("fails only the article whose preparation threw, with the worker's message", async () => {
    const preparer = pool(scripts.echo, 1);
    const [bad, good] = await Promise.allSettled([
      preparer.prepare('bad', raw, undefined),
      preparer.prepare('good', raw, undefined),
    ]);
    expect(bad).toEqual({ status: 'rejected', reason: new Error('cannot prepare bad') });
    expect(good).toEqual({ status: 'fulfilled', value: { kind: 'rejected', reason: 'seen good' } });
  });

  it('rejects the tasks of a worker that dies, and replaces it', async () => {
    const preparer = pool(scripts.dying, 1);
    await expect(preparer.prepare('a', raw, undefined)).rejects.toThrow(/exited with code 3/);
    // The replacement takes the next task (and dies too: it is the same script).
    await expect(preparer.prepare('b', raw, undefined)).rejects.toThrow(/exited with code 3/);
  });
});
