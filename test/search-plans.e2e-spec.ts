import { randomBytes, randomUUID } from 'node:crypto';
import {
  dataSourceOptions,
  dropDatabase,
  ensureDatabaseExists,
  runMigrationsExclusively,
} from '@newsflow/database';
import { DataSource } from 'typeorm';
import { ArticlesRepository } from '../apps/store/src/articles/articles.repository';
import { EventsRepository } from '../apps/store/src/events/events.repository';
import { SearchPlanner } from '../apps/store/src/articles/search-planner';
import { FeedReader, type FeedSource } from '../apps/store/src/reads/feed-reader';
import { ReadPools } from '../apps/store/src/reads/read-pools';
import type { FeedFilters } from '../apps/store/src/shared/feed-filters';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * The ways a search is served (every match through the GIN index, the feed walked in order, or
 * windows of the feed searched through both indexes) must give the same pages, whatever the filters and cursor: the planner only picks the
 * cheaper one.
 */
describe('search plans', () => {
  const databaseUrl = `${POSTGRES_URL}/newsflow_test_${randomBytes(4).toString('hex')}`;
  let pools: ReadPools;
  const articles = new ArticlesRepository();
  const events = new EventsRepository();
  const eventIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const base = Date.parse('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    await ensureDatabaseExists(databaseUrl);
    const dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
    await dataSource.initialize();
    await runMigrationsExclusively(dataSource);
    for (const [index, id] of eventIds.entries()) {
      await dataSource.query(
        `INSERT INTO events (id, title, article_count, sources, version, updated_at, sort_at)
         VALUES ($1, 'event', 1, $2, 1, now(), $3)`,
        [id, [`source-${index % 3}`, 'shared'], new Date(base + index * 3_600_000)],
      );
    }
    // 60 articles an hour apart: "harbour" in all, "strike" in every 7th, "dockers walk" as a
    // phrase in every 5th and as two separate words in every 4th; three sources, four events.
    for (let index = 0; index < 60; index++) {
      const words = ['harbour', 'news'];
      if (index % 7 === 0) words.push('strike');
      if (index % 5 === 0) words.push('dockers walk');
      if (index % 4 === 0) words.push('walk away dockers');
      await dataSource.query(
        `INSERT INTO articles (id, status, event_id, source, title, text, received_at,
                               processed_at, sort_at)
         VALUES ($1, 'stored', $2, $3, 'title', $4, now(), now(), $5)`,
        [
          randomUUID(),
          eventIds[index % 4],
          `source-${index % 3}`,
          words.join(' '),
          // Pairs share a timestamp so the id decides their order.
          new Date(base + Math.floor(index / 2) * 3_600_000),
        ],
      );
    }
    await dataSource.destroy();
    pools = new ReadPools({
      databaseUrl,
      statementTimeoutMs: 10_000,
      readPoolSize: 1,
      searchPoolSize: 1,
    });
  });

  afterAll(async () => {
    await pools?.onModuleDestroy();
    await dropDatabase(databaseUrl);
  });

  const bothWays = <T extends { sortAt: Date; id: string }>(
    repository: FeedSource<T>,
    q: string,
    filters: FeedFilters,
    rows: number,
  ) =>
    pools.withSession('searches', undefined, async (session) => {
      const byIndex = await articles.inSearchTransaction(session, () =>
        repository.searchByIndex(session, q, filters, rows),
      );
      const byFeed = await articles.inSearchTransaction(session, () =>
        repository.searchByFeed(session, q, filters, rows),
      );
      // Windows of `rows` feed rows first (2·rows·60 stored / 600 expected matches), doubling.
      const reader = new FeedReader(pools, articles, new SearchPlanner(pools, articles));
      const byWindow = await articles.inSearchTransaction(session, async () => {
        const planned = {
          plan: 'window' as const,
          phraseCandidates: null,
          matches: 600,
          stored: { articles: 60, events: 4 },
        };
        return (await reader.search(session, repository, q, planned, filters, rows)).rows;
      });
      return { byIndex, byFeed, byWindow };
    });

  const cases: Array<[string, string, (all: Array<{ sortAt: Date; id: string }>) => FeedFilters]> =
    [
      ['a common word', 'harbour', () => ({ after: null })],
      ['a rarer word', 'strike', () => ({ after: null })],
      ['a phrase', '"dockers walk"', () => ({ after: null })],
      ['a word and a source', 'harbour', () => ({ source: 'source-1', after: null })],
      [
        'a word and dates',
        'harbour',
        () => ({
          since: new Date(base + 5 * 3_600_000),
          until: new Date(base + 20 * 3_600_000),
          after: null,
        }),
      ],
      ['a word from a cursor', 'harbour', (all) => ({ after: all[Math.floor(all.length / 3)] })],
    ];

  it.each(cases)('articles: %s', async (_name, q, filtersOf) => {
    const first = await bothWays(articles, q, { after: null }, 100);
    const filters = filtersOf(first.byFeed);
    const { byIndex, byFeed, byWindow } = await bothWays(articles, q, filters, 5);

    expect(byFeed.length).toBeGreaterThan(0);
    expect(byIndex.map((row) => row.id)).toEqual(byFeed.map((row) => row.id));
    expect(byWindow.map((row) => row.id)).toEqual(byFeed.map((row) => row.id));
  });

  it.each(cases)('events: %s', async (_name, q, filtersOf) => {
    const first = await bothWays(events, q, { after: null }, 100);
    const filters = filtersOf(first.byFeed);
    const { byIndex, byFeed, byWindow } = await bothWays(events, q, filters, 2);

    expect(byIndex.map((row) => row.id)).toEqual(byFeed.map((row) => row.id));
    expect(byWindow.map((row) => row.id)).toEqual(byFeed.map((row) => row.id));
  });

  it('events: a word in hundreds of events, merged events left out', async () => {
    // 320 more events with one "ferry" article each, every 10th merged into the next.
    const dataSource = new DataSource(dataSourceOptions(databaseUrl, 1));
    await dataSource.initialize();
    const ferryEvents = Array.from({ length: 320 }, () => randomUUID());
    await dataSource.query(
      `INSERT INTO events (id, title, article_count, sources, version, updated_at, sort_at,
                           merged_into)
       SELECT e.id, 'ferry event', 1, ARRAY['source-' || (e.n % 3)], 1, now(),
              $2::timestamptz + e.n * interval '1 minute',
              CASE WHEN e.n % 10 = 1 THEN ($1::uuid[])[e.n + 1] END
       FROM unnest($1::uuid[]) WITH ORDINALITY AS e(id, n)`,
      [ferryEvents, new Date(base)],
    );
    await dataSource.query(
      `INSERT INTO articles (id, status, event_id, source, title, text, received_at,
                             processed_at, sort_at)
       SELECT gen_random_uuid(), 'stored', e.id, 'source-' || (e.n % 3), 'title', 'ferry crossing',
              now(), now(), $2::timestamptz + e.n * interval '1 minute'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS e(id, n)`,
      [ferryEvents, new Date(base)],
    );
    await dataSource.destroy();

    const all = await bothWays(events, 'ferry', { after: null }, 400);
    expect(all.byFeed).toHaveLength(288);
    expect(all.byIndex.map((row) => row.id)).toEqual(all.byFeed.map((row) => row.id));
    for (const filters of [
      { after: all.byFeed[100] },
      { source: 'source-2', after: null },
      { until: new Date(base + 100 * 60_000), after: null },
    ]) {
      const { byIndex, byFeed } = await bothWays(events, 'ferry', filters, 5);
      expect(byFeed).toHaveLength(5);
      expect(byIndex.map((row) => row.id)).toEqual(byFeed.map((row) => row.id));
    }
  });

  it('counts what the GIN index finds without reading the rows', async () => {
    const counts = await pools.withSession('searches', undefined, (session) =>
      articles.inSearchTransaction(session, async () => [
        await articles.matchesByIndex(session, { q: 'harbour' }),
        await articles.matchesByIndex(session, { q: 'strike' }),
        await articles.matchesByIndex(session, { q: 'nowhere' }),
        // The index answers a phrase with its candidates: both words, adjacent (every 5th
        // article) or not (every 4th), every 20th both ways.
        await articles.matchesByIndex(session, { q: '"dockers walk"' }),
        await articles.matchesByIndex(session, { candidates: "'dockers' & 'walk'" }),
      ]),
    );
    expect(counts).toEqual([60, 9, 0, 24, 24]);
  });
});
