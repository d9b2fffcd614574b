import { randomBytes } from 'node:crypto';
import { dataSourceOptions, dropDatabase, ensureDatabaseExists } from '@newsflow/database';
import { DataSource } from 'typeorm';
import { PostgresTemplateMemory } from '../apps/normalizer/src/persistence/postgres-template-memory';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const W = 1 / 50;

/** The single-page update as it was written before batching: the reference. */
const SINGLE_PAGE_SQL = `
  WITH page AS (
    INSERT INTO source_templates (source, page_count) VALUES ($1, 1)
    ON CONFLICT (source) DO UPDATE SET page_count = source_templates.page_count + 1
    RETURNING page_count),
  lines AS (
    INSERT INTO source_template_lines (source, line_key, page_count, recent_share, last_page)
    SELECT $1, key, 1, $3::real, page.page_count FROM page, unnest($2::text[]) AS key
    ON CONFLICT (source, line_key) DO UPDATE SET
      page_count = source_template_lines.page_count + 1,
      recent_share = source_template_lines.recent_share
        * power(1 - $3::real, greatest(EXCLUDED.last_page - source_template_lines.last_page, 0)) + $3::real,
      last_page = EXCLUDED.last_page)
  SELECT page_count FROM page`;

interface Line {
  line_key: string;
  page_count: number;
  recent_share: number;
  last_page: string;
}

/** Deterministic pages: a few lines on (almost) every page, others on some, some once. */
function pagesOf(count: number, seed: number): string[][] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: count }, (_, page) => {
    const keys = ['menu', 'footer'].filter(() => next() < 0.95);
    for (let line = 0; line < 20; line += 1) if (next() < 0.3) keys.push(`line-${line}`);
    keys.push(`unique-${page}`);
    return keys;
  });
}

describe('PostgresTemplateMemory on the real database', () => {
  const databaseUrl = `${POSTGRES_URL}/newsflow_test_template_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabaseExists(databaseUrl);
    dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(databaseUrl);
  });

  async function linesOf(source: string): Promise<Line[]> {
    return dataSource.query(
      `SELECT line_key, page_count, recent_share, last_page FROM source_template_lines
        WHERE source = $1 ORDER BY line_key`,
      [source],
    );
  }

  async function pageCount(source: string): Promise<number> {
    const rows: Array<{ page_count: string }> = await dataSource.query(
      `SELECT page_count FROM source_templates WHERE source = $1`,
      [source],
    );
    return Number(rows[0]?.page_count ?? 0);
  }

  it('batched writes end where the single-page updates one by one do', async () => {
    const pages = pagesOf(90, 7);
    for (const keys of pages) {
      await dataSource.query(SINGLE_PAGE_SQL, ['reference', [...new Set(keys)].sort(), W]);
    }
    const memory = new PostgresTemplateMemory(dataSource);
    // Batches of 1, 5, 17, 40 and 27 pages, each one flush.
    let at = 0;
    for (const size of [1, 5, 17, 40, 27]) {
      for (const keys of pages.slice(at, at + size)) memory.recordPage('batched', keys);
      await memory.flush();
      at += size;
    }
    expect(await pageCount('batched')).toBe(90);
    const reference = await linesOf('reference');
    const batched = await linesOf('batched');
    expect(batched.map((line) => [line.line_key, line.page_count, line.last_page])).toEqual(
      reference.map((line) => [line.line_key, line.page_count, line.last_page]),
    );
    batched.forEach((line, index) =>
      expect(line.recent_share).toBeCloseTo(reference[index].recent_share, 5),
    );
  });

  it('prunes rare lines when the counter crosses a multiple of 100', async () => {
    const memory = new PostgresTemplateMemory(dataSource);
    memory.recordPage('pruned', ['rare', 'menu']);
    for (let page = 0; page < 96; page += 1) memory.recordPage('pruned', ['menu']);
    await memory.flush();
    expect((await linesOf('pruned')).map((line) => line.line_key)).toEqual(['menu', 'rare']);
    for (let page = 0; page < 5; page += 1) memory.recordPage('pruned', ['menu']);
    await memory.flush();
    expect(await pageCount('pruned')).toBe(102);
    expect((await linesOf('pruned')).map((line) => line.line_key)).toEqual(['menu']);
  });
});
