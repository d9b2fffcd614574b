/**
 * Generates a store for the read bench straight into the tables the migrations create: events
 * over two years, articles in them from 200 sources, text drawn from a vocabulary with a long
 * tail. Word k (1 ≤ k < 10⁶, short words for small k) is drawn as floor(10⁶^u), u uniform: its
 * probability falls as 1/k (Zipf, s = 1), so a few words are in most articles and most words in
 * almost none. An article is 19/20 of its length in 30-word chunks from a shared pool (text
 * generation word by word costs ~2.5 ms per article in SQL) and 1/20 in words drawn one by one
 * from the rank-10⁴..10⁶ tail, the names that make a term rare.
 *
 * Loading is bulk loading: the store's tables are made UNLOGGED (no WAL for the rows or the
 * indexes; left so, it is a bench database, emptied by a crash), autovacuum is off on them while
 * they fill, their non-key indexes are dropped and built once after the load with a large
 * maintenance_work_mem (the GIN index first, the others on the second connection meanwhile).
 */
import { Client } from 'pg';
import { dataSourceOptions, runMigrationsExclusively } from '@newsflow/database';
import { DataSource } from 'typeorm';

export interface StoreShape {
  articles: number;
  events: number;
  wordsPerArticle: number;
}

const SOURCES = 200;
const CHUNK_WORDS = 30;
const CHUNKS = 50_000;
const VOCABULARY = 1_000_000;
const BATCH = 25_000;

/** Session settings for generation: a nested loop over the small helper tables' keys, never a hash per article. */
const GENERATION_SETTINGS = [
  'SET jit = off',
  'SET enable_hashjoin = off',
  'SET enable_mergejoin = off',
  'SET enable_seqscan = off',
  "SET maintenance_work_mem = '1GB'",
  'SET synchronous_commit = off',
];

const CREATE_HELPERS = [
  `CREATE FUNCTION pg_temp.bench_syllable(d int) RETURNS text LANGUAGE sql IMMUTABLE AS
     $$ SELECT substr('bcdfghjklmnprstvwxyz', 1 + d % 20, 1) || substr('aeiou', 1 + d / 20, 1) $$`,
  `CREATE UNLOGGED TABLE bench_vocabulary AS
     SELECT k, CASE WHEN k < 100 THEN pg_temp.bench_syllable(k)
                    WHEN k < 10000 THEN pg_temp.bench_syllable(k / 100) || pg_temp.bench_syllable(k % 100)
                    ELSE pg_temp.bench_syllable(k / 10000) || pg_temp.bench_syllable((k / 100) % 100)
                         || pg_temp.bench_syllable(k % 100) END AS word
     FROM generate_series(1, ${VOCABULARY - 1}) k`,
  `ALTER TABLE bench_vocabulary ADD PRIMARY KEY (k)`,
  `CREATE UNLOGGED TABLE bench_chunks AS
     SELECT c AS id, (SELECT string_agg(v.word, ' ')
                      FROM (SELECT floor(power(${VOCABULARY}, random()))::int AS k
                            FROM generate_series(1, ${CHUNK_WORDS} + c * 0)) g
                      JOIN bench_vocabulary v ON v.k = g.k) AS body
     FROM generate_series(1, ${CHUNKS}) c`,
  `ALTER TABLE bench_chunks ADD PRIMARY KEY (id)`,
];

const CREATE_EVENTS = `
  CREATE UNLOGGED TABLE bench_events AS
    SELECT n, gen_random_uuid() AS id,
           timestamptz '2025-01-01' + random() * interval '730 days' AS at
    FROM generate_series(1, $1::int) n`;

/** Articles $1..$2 of $3 events, $4 words each. */
const INSERT_ARTICLES = `
  INSERT INTO articles (id, status, event_id, url, source, title, published_at, language, text,
                        received_at, processed_at, sort_at)
  SELECT a.id, 'stored', a.event_id, 'https://' || a.source || '.example/' || a.id, a.source,
         a.title, a.at, 'en', a.text, a.at, a.at, a.at
  FROM (
    SELECT gen_random_uuid() AS id, be.id AS event_id,
           'source-' || floor(power(${SOURCES}, random()))::int AS source,
           be.at - random() * interval '2 days' AS at,
           (SELECT string_agg(v.word, ' ')
              FROM (SELECT floor(power(${VOCABULARY}, random()))::int AS k
                    FROM generate_series(1, 8 + g.i * 0)) w
              JOIN bench_vocabulary v ON v.k = w.k) AS title,
           (SELECT string_agg(c.body, ' ')
              FROM (SELECT (1 + floor(random() * ${CHUNKS}))::int AS k
                    FROM generate_series(1, greatest(1, round($4::int * 0.95 / ${CHUNK_WORDS})::int) + g.i * 0)) w
              JOIN bench_chunks c ON c.id = w.k)
           || ' ' ||
           (SELECT string_agg(v.word, ' ')
              FROM (SELECT floor(10000 * power(${VOCABULARY / 10000}, random()))::int AS k
                    FROM generate_series(1, greatest(1, round($4::int * 0.05)::int) + g.i * 0)) w
              JOIN bench_vocabulary v ON v.k = w.k) AS text
    FROM (SELECT i, 1 + floor(random() * $3::int)::int AS e
          FROM generate_series($1::int, $2::int) i) g
    JOIN bench_events be ON be.n = g.e
  ) a`;

const FILL_EVENTS = `
  INSERT INTO events (id, title, article_count, sources, first_published_at, last_published_at,
                      version, updated_at, sort_at)
  SELECT a.event_id, min(a.title), count(*), array_agg(DISTINCT a.source ORDER BY a.source),
         min(a.sort_at), max(a.sort_at), 1, max(a.sort_at), max(a.sort_at)
  FROM articles a GROUP BY a.event_id`;

const DROP_HELPERS = [
  'DROP TABLE bench_vocabulary',
  'DROP TABLE bench_chunks',
  'DROP TABLE bench_events',
];

/**
 * The non-key indexes of the store's tables, to drop before loading and build once after: GIN
 * first (the long builds), the largest table's first.
 */
const STORE_INDEXES = `
  SELECT indexname, indexdef FROM pg_indexes
  WHERE schemaname = 'public' AND tablename IN ('articles', 'events')
    AND indexname NOT LIKE '%pkey'
  ORDER BY indexdef LIKE '%USING gin%' DESC, tablename = 'articles' DESC, indexname`;

const BULK_LOAD_TABLES = [
  'ALTER TABLE articles SET UNLOGGED',
  'ALTER TABLE events SET UNLOGGED',
  'ALTER TABLE articles SET (autovacuum_enabled = false)',
  'ALTER TABLE events SET (autovacuum_enabled = false)',
];

const AFTER_LOAD_TABLES = [
  'ALTER TABLE articles RESET (autovacuum_enabled)',
  'ALTER TABLE events RESET (autovacuum_enabled)',
  'VACUUM (FREEZE, ANALYZE) articles',
  'VACUUM (FREEZE, ANALYZE) events',
];

export interface GenerationTimes {
  migrateS: number;
  helpersS: number;
  articlesS: number;
  eventsS: number;
  indexesS: number;
  vacuumS: number;
  totalS: number;
}

/** Migrates the empty database at `url` and fills it; two connections load articles in parallel. */
export async function generateStore(
  url: string,
  shape: StoreShape,
  log: (line: string) => void,
): Promise<GenerationTimes> {
  const started = Date.now();
  const lap = (() => {
    let last = Date.now();
    return () => {
      const now = Date.now();
      const seconds = (now - last) / 1000;
      last = now;
      return seconds;
    };
  })();
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  await runMigrationsExclusively(dataSource);
  await dataSource.destroy();
  const migrateS = lap();

  const clients = [new Client({ connectionString: url }), new Client({ connectionString: url })];
  await Promise.all(clients.map((client) => client.connect()));
  try {
    for (const client of clients)
      for (const setting of GENERATION_SETTINGS) await client.query(setting);
    const [main] = clients;
    for (const statement of CREATE_HELPERS) await main.query(statement);
    await main.query(CREATE_EVENTS, [shape.events]);
    await main.query('ALTER TABLE bench_events ADD PRIMARY KEY (n)');
    await main.query('ANALYZE bench_vocabulary, bench_chunks, bench_events');
    const helpersS = lap();

    const indexes = (await main.query<{ indexname: string; indexdef: string }>(STORE_INDEXES)).rows;
    for (const index of indexes) await main.query(`DROP INDEX ${index.indexname}`);
    for (const statement of BULK_LOAD_TABLES) await main.query(statement);
    let next = 1;
    let done = 0;
    await Promise.all(
      clients.map(async (client) => {
        while (next <= shape.articles) {
          const from = next;
          const to = Math.min(shape.articles, from + BATCH - 1);
          next = to + 1;
          await client.query(INSERT_ARTICLES, [from, to, shape.events, shape.wordsPerArticle]);
          done += to - from + 1;
          log(`articles ${done.toLocaleString('en')} / ${shape.articles.toLocaleString('en')}`);
        }
      }),
    );
    const articlesS = lap();
    await main.query(FILL_EVENTS);
    for (const statement of DROP_HELPERS) await main.query(statement);
    const eventsS = lap();
    // One index per connection at a time: the GIN build is the long one.
    const queue = [...indexes];
    await Promise.all(
      clients.map(async (client) => {
        for (let index = queue.shift(); index; index = queue.shift()) {
          await client.query(index.indexdef);
          log(`index ${index.indexname} built`);
        }
      }),
    );
    const indexesS = lap();
    for (const statement of AFTER_LOAD_TABLES) await main.query(statement);
    const vacuumS = lap();
    return {
      migrateS,
      helpersS,
      articlesS,
      eventsS,
      indexesS,
      vacuumS,
      totalS: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}
