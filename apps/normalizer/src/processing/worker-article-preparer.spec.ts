import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleaningTimeoutsTotal } from '@newsflow/observability';
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
  echo: `require('node:worker_threads').parentPort.postMessage({ ready: true });
    require('node:worker_threads').parentPort.on('message', (task) =>
    require('node:worker_threads').parentPort.postMessage(
      task.articleId === 'bad'
        ? { id: task.id, error: 'cannot prepare bad' }
        : { id: task.id, prepared: { kind: 'rejected', reason: 'seen ' + task.articleId } }));`,
  dying: `require('node:worker_threads').parentPort.postMessage({ ready: true });
    require('node:worker_threads').parentPort.on('message', () => process.exit(3));`,
  // 'stuck' never finishes; 'slow-page' never finishes as a page but does as visible text.
  slow: `const { parentPort } = require('node:worker_threads');
    parentPort.postMessage({ ready: true });
    parentPort.on('message', (task) => {
      if (task.articleId === 'stuck' || (task.articleId === 'slow-page' && task.mode === 'page')) {
        for (;;);
      }
      if (task.articleId === 'dies') process.exit(4);
      parentPort.postMessage({ id: task.id, prepared: { kind: 'rejected', reason: task.mode + ' ' + task.articleId } });
    });`,
  // Reports its thread id (so the budget is CPU time); 'waits-N' blocks N ms without using a CPU.
  timed: `const { parentPort } = require('node:worker_threads');
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    parentPort.postMessage({ ready: true, tid });
    parentPort.on('message', (task) => {
      if (task.articleId === 'stuck') for (;;);
      const waits = /^waits-(\\d+)$/.exec(task.articleId);
      if (waits) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(waits[1]));
      parentPort.postMessage({ id: task.id, prepared: { kind: 'rejected', reason: task.mode + ' ' + task.articleId } });
    });`,
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
  const pool = (script: string, size: number, budgetMs = 60_000, wallCapMs?: number) => {
    const created = new WorkerArticlePreparer(script, size, {
      resourceLimits: { maxOldGenerationSizeMb: 32 },
      budgetMs,
      wallCapMs,
    });
    pools.push(created);
    return created;
  };
  /** Resolves each promise's label in the order they settle. */
  const settleOrder = async (named: Record<string, Promise<unknown>>): Promise<string[]> => {
    const order: string[] = [];
    await Promise.allSettled(
      Object.entries(named).map(([label, promise]) =>
        promise.finally(() => order.push(label)).catch(() => undefined),
      ),
    );
    return order;
  };
  const timeouts = async (mode: string): Promise<number> =>
    (await cleaningTimeoutsTotal.get()).values.find((value) => value.labels.mode === mode)?.value ??
    0;

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

  it('fails only the task a worker died on; the tasks waiting behind it are answered', async () => {
    const preparer = pool(scripts.slow, 1);
    const dies = preparer.prepare('dies', raw, undefined);
    const after = ['a', 'b', 'c'].map((id) => preparer.prepare(id, raw, undefined));
    await expect(dies).rejects.toThrow(/exited with code 4/);
    expect(await Promise.all(after)).toEqual(
      ['a', 'b', 'c'].map((id) => ({ kind: 'rejected', reason: `page ${id}` })),
    );
  });

  it('replaces a worker over budget, answers the tasks behind it first, then the slow page as visible text', async () => {
    const preparer = pool(scripts.slow, 1, 300);
    const before = await timeouts('page');
    const slow = preparer.prepare('slow-page', raw, undefined);
    const next = preparer.prepare('next', raw, undefined);
    const later = preparer.prepare('later', raw, undefined);
    const order = await settleOrder({ slow, next, later });
    expect(await slow).toEqual({ kind: 'rejected', reason: 'visible-text slow-page' });
    expect(await next).toEqual({ kind: 'rejected', reason: 'page next' });
    expect(await later).toEqual({ kind: 'rejected', reason: 'page later' });
    expect(order).toEqual(['next', 'later', 'slow']);
    expect((await timeouts('page')) - before).toBe(1);
  });

  it('answers processing-timeout (an outcome, not an error) when the visible text is over budget too', async () => {
    const preparer = pool(scripts.slow, 2, 300);
    const before = await timeouts('visible-text');
    const stuck = preparer.prepare('stuck', raw, undefined);
    const others = ['a', 'b', 'c', 'd'].map((id) => preparer.prepare(id, raw, undefined));
    await expect(stuck).resolves.toEqual({
      kind: 'rejected',
      reason: expect.stringMatching(/^processing-timeout: cleaning took longer than 300 ms/),
    });
    expect(await Promise.all(others)).toHaveLength(4);
    expect((await timeouts('visible-text')) - before).toBe(1);
    // The pool still works after replacing its workers.
    await expect(preparer.prepare('e', raw, undefined)).resolves.toEqual({
      kind: 'rejected',
      reason: 'page e',
    });
  });

  const linux = process.platform === 'linux' ? describe : describe.skip;
  linux('with the worker thread CPU time (Linux /proc)', () => {
    it('lets an article that waits without using a CPU run past the budget, up to the wall-clock cap', async () => {
      const preparer = pool(scripts.timed, 1, 200, 5_000);
      await expect(preparer.prepare('waits-600', raw, undefined)).resolves.toEqual({
        kind: 'rejected',
        reason: 'page waits-600',
      });
    });

    it('ends an article spending its budget in CPU time, then its visible text, with processing-timeout', async () => {
      const preparer = pool(scripts.timed, 1, 200, 60_000);
      const stuck = preparer.prepare('stuck', raw, undefined);
      const next = preparer.prepare('next', raw, undefined);
      expect(await settleOrder({ stuck, next })).toEqual(['next', 'stuck']);
      expect(await stuck).toEqual({
        kind: 'rejected',
        reason: expect.stringMatching(
          /^processing-timeout: cleaning took longer than 200 ms of CPU time/,
        ),
      });
    });

    it('ends an article holding its worker past the wall-clock cap', async () => {
      const preparer = pool(scripts.timed, 1, 200, 400);
      await expect(preparer.prepare('waits-5000', raw, undefined)).resolves.toEqual({
        kind: 'rejected',
        reason: expect.stringMatching(
          /^processing-timeout: cleaning took longer than 400 ms wall clock/,
        ),
      });
    });
  });
});
