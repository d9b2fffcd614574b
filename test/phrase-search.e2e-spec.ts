import { randomBytes } from 'node:crypto';
import {
  dataSourceOptions,
  dropDatabase,
  ensureDatabaseExists,
  runMigrationsExclusively,
} from '@newsflow/database';
import { DataSource } from 'typeorm';
import { ArticlesRepository } from '../apps/store/src/articles/articles.repository';
import { SearchPlanner } from '../apps/store/src/articles/search-planner';
import { EventsRepository } from '../apps/store/src/events/events.repository';
import { FeedReader, type FeedSource } from '../apps/store/src/reads/feed-reader';
import { ReadPools, type ReadSession } from '../apps/store/src/reads/read-pools';
import { PHRASE_BUDGET, type PlannedSearch } from '../apps/store/src/reads/search-plan';
import { decodeCursor, type FeedPosition, type Page } from '../apps/store/src/shared/list-query';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const ARTICLES = 2_500;
const EVENTS = 500;

/** The store's own planner, or one that always answers the same plan. */
class ForcedPlanner extends SearchPlanner {
  constructor(
    pools: ReadPools,
    articles: ArticlesRepository,
    private readonly forced: 'index' | 'window' | 'feed',
  ) {
    super(pools, articles);
  }

  override async planFor(session: ReadSession, q: string): Promise<PlannedSearch> {
    const planned = await super.planFor(session, q);
    // Windows sized for this store, so that a page spans several of them.
    return { ...planned, plan: this.forced, stored: { articles: ARTICLES, events: EVENTS } };
  }
}

/**
 * A phrase search tests at most a budget of candidates per page (PHRASE_BUDGET), so a page may be
 * short, or empty, and still carry a cursor: following the cursors must find every match, in
 * order, by either plan.
 */
describe('phrase search', () => {
  const databaseUrl = `${POSTGRES_URL}/newsflow_test_${randomBytes(4).toString('hex')}`;
  let pools: ReadPools;
  const articles = new ArticlesRepository();
  const events = new EventsRepository();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabaseExists(databaseUrl);
    dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
    await dataSource.initialize();
    await runMigrationsExclusively(dataSource);
    // Event e holds articles e, e + 500, ...; article i is i/2 minutes after the start (pairs
    // share a time, so the id orders them). "dockers walk" is a phrase in every 37th article and
    // both words apart in every 5th; "quay crane" a phrase in the oldest few only.
    await dataSource.query(
      `INSERT INTO events (id, title, article_count, sources, version, updated_at, sort_at)
       SELECT gen_random_uuid(), 'event', 5, ARRAY['source-' || e % 3], 1, now(),
              timestamptz '2026-03-01' + e * interval '7 minutes'
       FROM generate_series(0, $1::int - 1) e`,
      [EVENTS],
    );
    await dataSource.query(
      `INSERT INTO articles (id, status, event_id, source, title, text, received_at,
                             processed_at, sort_at)
       SELECT gen_random_uuid(), 'stored', e.id, 'source-' || i % 3, 'title',
              concat_ws(' ', 'harbour news',
                        CASE WHEN i % 37 = 0 THEN 'dockers walk' END,
                        CASE WHEN i % 5 = 0 THEN 'walk away dockers' END,
                        CASE WHEN i < 300 AND i % 10 = 3 THEN 'quay crane' END),
              now(), now(), timestamptz '2026-03-01' + (i / 2) * interval '1 minute'
       FROM generate_series(0, $1::int - 1) i
       JOIN events e ON e.sort_at = timestamptz '2026-03-01' + (i % $2::int) * interval '7 minutes'`,
      [ARTICLES, EVENTS],
    );
    pools = new ReadPools({
      databaseUrl,
      statementTimeoutMs: 10_000,
      readPoolSize: 1,
      searchPoolSize: 1,
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await pools?.onModuleDestroy();
    await dropDatabase(databaseUrl);
  });

  /** The matches, newest first, as Postgres finds them testing every row. */
  async function expected(table: 'articles' | 'events', q: string): Promise<string[]> {
    const sql =
      table === 'articles'
        ? `SELECT a.id FROM articles a WHERE a.search @@ websearch_to_tsquery('simple', $1)
           ORDER BY a.sort_at DESC, a.id DESC`
        : `SELECT e.id FROM events e WHERE EXISTS (
             SELECT 1 FROM articles a
             WHERE a.event_id = e.id AND a.search @@ websearch_to_tsquery('simple', $1))
           ORDER BY e.sort_at DESC, e.id DESC`;
    const rows = await dataSource.query<Array<{ id: string }>>(sql, [q]);
    return rows.map((row) => row.id);
  }

  /** Every page of a search, following nextCursor to the end. */
  async function allPages<Row extends FeedPosition>(
    reader: FeedReader,
    source: FeedSource<Row>,
    q: string,
    limit: number,
  ): Promise<Array<{ ids: string[]; more: boolean }>> {
    const pages: Array<{ ids: string[]; more: boolean }> = [];
    let after: FeedPosition | null = null;
    do {
      const page: Page<Row> = await reader.page(source, { q, limit, after });
      pages.push({ ids: page.items.map((row) => row.id), more: page.nextCursor !== null });
      after = page.nextCursor === null ? null : decodeCursor(page.nextCursor);
    } while (after !== null && pages.length < 200);
    return pages;
  }

  const readers = () => ({
    planned: new FeedReader(pools, articles, new SearchPlanner(pools, articles)),
    index: new FeedReader(pools, articles, new ForcedPlanner(pools, articles, 'index')),
    window: new FeedReader(pools, articles, new ForcedPlanner(pools, articles, 'window')),
    feed: new FeedReader(pools, articles, new ForcedPlanner(pools, articles, 'feed')),
  });

  it.each(['planned', 'index', 'window', 'feed'] as const)(
    'articles: paging through short pages finds every article holding the phrase (%s)',
    async (plan) => {
      const reader = readers()[plan];
      const want = await expected('articles', '"dockers walk"');
      expect(want).toHaveLength(68);

      const pages = await allPages(reader, articles, '"dockers walk"', 50);

      expect(pages.flatMap((page) => page.ids)).toEqual(want);
      // More than the budget of candidates: some page stopped short of the limit, cursor and all.
      expect(pages.some((page) => page.more && page.ids.length < 50)).toBe(true);
    },
  );

  it('articles: pages with no match still lead to the older matches', async () => {
    const want = await expected('articles', '"quay crane"');
    expect(want).toHaveLength(30);

    const byFeed = await allPages(readers().feed, articles, '"quay crane"', 20);
    const planned = await allPages(readers().planned, articles, '"quay crane"', 20);

    expect(byFeed.flatMap((page) => page.ids)).toEqual(want);
    expect(byFeed[0]).toEqual({ ids: [], more: true });
    expect(byFeed.length).toBeGreaterThanOrEqual(ARTICLES / PHRASE_BUDGET.articles);
    // Few candidates: all tested on the first page.
    expect(planned.flatMap((page) => page.ids)).toEqual(want);
    expect(planned[0].ids).toHaveLength(20);
  });

  it.each(['planned', 'index', 'window', 'feed'] as const)(
    'events: paging finds every event with an article holding the phrase (%s)',
    async (plan) => {
      const want = await expected('events', '"dockers walk"');
      expect(want.length).toBeGreaterThan(PHRASE_BUDGET.events);

      const pages = await allPages(readers()[plan], events, '"dockers walk"', 40);

      expect(pages.flatMap((page) => page.ids)).toEqual(want);
      expect(pages.some((page) => page.more && page.ids.length < 40)).toBe(true);
    },
  );

  it('a phrase no article holds answers an empty last page', async () => {
    const pages = await allPages(readers().planned, articles, '"crane dockers"', 20);
    expect(pages).toEqual([{ ids: [], more: false }]);
  });
});
