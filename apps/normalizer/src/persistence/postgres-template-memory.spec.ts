import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  type LinePagesUpdate,
  PostgresTemplateMemory,
  aggregatePages,
} from './postgres-template-memory';

const W = 1 / 50;

interface StoredLine {
  pageCount: number;
  recentShare: number;
  lastPage: number;
}

/** Today's single-page update of one line (the SQL of one page, in numbers). */
function recordOnePage(line: StoredLine | undefined, page: number): StoredLine {
  if (!line) return { pageCount: 1, recentShare: W, lastPage: page };
  return {
    pageCount: line.pageCount + 1,
    recentShare: line.recentShare * Math.pow(1 - W, Math.max(page - line.lastPage, 0)) + W,
    lastPage: page,
  };
}

/** The batched update of one line as the SQL applies it, pages numbered after `base`. */
function applyUpdate(line: StoredLine | undefined, update: LinePagesUpdate, base: number) {
  const lastPage = base + update.lastPage;
  if (!line) return { pageCount: update.pages, recentShare: update.addedShare, lastPage };
  return {
    pageCount: line.pageCount + update.pages,
    recentShare:
      line.recentShare * Math.pow(1 - W, Math.max(lastPage - line.lastPage, 0)) + update.addedShare,
    lastPage,
  };
}

describe('aggregatePages', () => {
  it('for one page is the single-page update', () => {
    expect(aggregatePages([['b', 'a', 'a', '']], W)).toEqual([
      { key: 'a', pages: 1, lastPage: 1, addedShare: W },
      { key: 'b', pages: 1, lastPage: 1, addedShare: W },
    ]);
    const old = { pageCount: 7, recentShare: 0.3, lastPage: 40 };
    const [update] = aggregatePages([['a']], W);
    expect(applyUpdate(old, update, 44)).toEqual(recordOnePage(old, 45));
  });

  it('equals k single-page updates in a row, for lines on a subset of the pages', () => {
    const pages = [['a', 'b'], ['a'], [], ['a', 'c'], ['b', 'c'], ['a']];
    const stored = new Map<string, StoredLine>([
      ['a', { pageCount: 12, recentShare: 0.41, lastPage: 95 }],
      ['b', { pageCount: 3, recentShare: 0.05, lastPage: 60 }],
    ]);
    const base = 100;

    const sequential = new Map(stored);
    pages.forEach((keys, index) => {
      for (const key of keys)
        sequential.set(key, recordOnePage(sequential.get(key), base + index + 1));
    });

    const updates = aggregatePages(pages, W);
    expect(updates.map((update) => [update.key, update.pages, update.lastPage])).toEqual([
      ['a', 4, 6],
      ['b', 2, 5],
      ['c', 2, 5],
    ]);
    for (const update of updates) {
      const batched = applyUpdate(stored.get(update.key), update, base);
      const expected = sequential.get(update.key)!;
      expect(batched.pageCount).toBe(expected.pageCount);
      expect(batched.lastPage).toBe(expected.lastPage);
      expect(batched.recentShare).toBeCloseTo(expected.recentShare, 12);
    }
  });

  it('adds Σ w·(1−w)^(r_m − r_i) over the pages with the line', () => {
    const [update] = aggregatePages([['x'], [], ['x'], [], [], ['x'], []], W);
    expect(update).toMatchObject({ key: 'x', pages: 3, lastPage: 6 });
    const expected = W * Math.pow(1 - W, 5) + W * Math.pow(1 - W, 3) + W;
    expect(update.addedShare).toBeCloseTo(expected, 15);
  });
});

/** A data source that records each statement's parameters; `hold` makes the next ones wait. */
function fakeDataSource(counters: Map<string, number>, failingSources: string[] = []) {
  const statements: Array<{ sql: string; params: unknown[] }> = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const dataSource = {
    isInitialized: true,
    query: jest.fn(async (sql: string, params: unknown[] = []) => {
      await gate;
      statements.push({ sql, params });
      const source = params[0] as string;
      if (failingSources.includes(source)) throw new Error('database down');
      if (!sql.includes('INSERT INTO source_templates')) return [];
      const count = (counters.get(source) ?? 0) + (params[1] as number);
      counters.set(source, count);
      return [{ page_count: String(count) }];
    }),
  } as unknown as DataSource;
  const hold = () => {
    gate = new Promise((resolve) => (release = resolve));
  };
  return { dataSource, statements, hold, release: () => release() };
}

const upserts = (statements: Array<{ sql: string; params: unknown[] }>) =>
  statements.filter((statement) => statement.sql.includes('INSERT INTO source_templates'));

describe('PostgresTemplateMemory.recordPage', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('returns at once and writes in the background, one statement per source', async () => {
    const fake = fakeDataSource(new Map());
    const memory = new PostgresTemplateMemory(fake.dataSource);
    memory.recordPage('s1', ['a', 'b']);
    memory.recordPage('s2', ['a']);
    memory.recordPage('s1', ['a']);
    expect(fake.statements).toEqual([]);
    await memory.flush();
    expect(fake.statements[0]?.sql).toMatch(/set_config\('synchronous_commit', 'off', true\)/);
    expect(upserts(fake.statements).map((statement) => statement.params.slice(0, 5))).toEqual([
      ['s1', 2, ['a', 'b'], [2, 1], [2, 1]],
      ['s2', 1, ['a'], [1], [1]],
    ]);
  });

  it('while a write is running, batches what arrives into the next one', async () => {
    const fake = fakeDataSource(new Map());
    const memory = new PostgresTemplateMemory(fake.dataSource);
    fake.hold();
    memory.recordPage('s', ['a']);
    await new Promise((resolve) => setImmediate(resolve));
    memory.recordPage('s', ['a']);
    memory.recordPage('s', ['b']);
    fake.release();
    await memory.flush();
    expect(upserts(fake.statements).map((statement) => statement.params[1])).toEqual([1, 2]);
  });

  it('prunes when the counter crosses a multiple of 100', async () => {
    const fake = fakeDataSource(new Map([['s', 98]]));
    const memory = new PostgresTemplateMemory(fake.dataSource);
    memory.recordPage('s', ['a']);
    await memory.flush();
    expect(fake.statements.some((statement) => statement.sql.includes('DELETE'))).toBe(false);
    memory.recordPage('s', ['a']);
    memory.recordPage('s', ['a']);
    await memory.flush();
    const prunes = fake.statements.filter((statement) => statement.sql.includes('DELETE'));
    expect(prunes.map((statement) => statement.params[2])).toEqual([101]);
  });

  it('keeps at most 1000 pages pending, dropping the oldest', async () => {
    const fake = fakeDataSource(new Map());
    const memory = new PostgresTemplateMemory(fake.dataSource);
    fake.hold();
    memory.recordPage('first', ['a']);
    await new Promise((resolve) => setImmediate(resolve));
    for (let page = 0; page < 1_005; page += 1) memory.recordPage(`s${page}`, ['a']);
    fake.release();
    await memory.flush();
    const sources = upserts(fake.statements).map((statement) => statement.params[0]);
    expect(sources).toHaveLength(1 + 1_000);
    expect(sources).not.toContain('s4');
    expect(sources).toContain('s5');
  });

  it('logs a failed write and never throws; the other sources are still written', async () => {
    const fake = fakeDataSource(new Map(), ['bad']);
    const memory = new PostgresTemplateMemory(fake.dataSource);
    expect(() => memory.recordPage('bad', ['a'])).not.toThrow();
    memory.recordPage('good', ['a']);
    await expect(memory.flush()).resolves.toBeUndefined();
    expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
    expect(upserts(fake.statements).map((statement) => statement.params[0])).toEqual([
      'bad',
      'good',
    ]);
  });

  it('flushes what is buffered on shutdown', async () => {
    const fake = fakeDataSource(new Map());
    const memory = new PostgresTemplateMemory(fake.dataSource);
    memory.recordPage('s', ['a']);
    await memory.beforeApplicationShutdown();
    memory.recordPage('s', ['b']);
    await memory.onApplicationShutdown();
    expect(upserts(fake.statements)).toHaveLength(2);
  });
});
