import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type ServiceProcess, TestSystem, waitFor } from './support/test-system';

/**
 * The store's protection of its reads, against real Postgres. A search is made slow for certain
 * by a test connection holding an exclusive lock on `events`: an event search then waits on it
 * (lock waits count towards statement_timeout), while id look-ups, which never read `events`, and
 * readiness must go on answering.
 */
describe('store reads under slow searches', () => {
  let system: TestSystem;
  let store: ServiceProcess;
  const articleId = randomUUID();
  const eventId = randomUUID();

  beforeAll(async () => {
    system = await TestSystem.start({
      services: ['store'],
      env: { store: { STORE_STATEMENT_TIMEOUT_MS: '400', STORE_SEARCH_POOL_SIZE: '2' } },
    });
    store = system.service('store');
    const now = new Date().toISOString();
    await system.infrastructure.query(
      `INSERT INTO events (id, title, article_count, sources, first_published_at,
                           last_published_at, version, updated_at, sort_at)
       VALUES ($1, 'Harbour strike', 1, ARRAY['example.org'], $2, $2, 1, $2, $2)`,
      [eventId, now],
    );
    await system.infrastructure.query(
      `INSERT INTO articles (id, status, event_id, source, title, text, published_at,
                             received_at, processed_at, sort_at)
       VALUES ($1, 'stored', $2, 'example.org', 'Harbour strike', 'Dockers walk out at the harbour',
               $3, $3, $3, $3)`,
      [articleId, eventId, now],
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Runs `work` while another connection holds an exclusive lock on `events`. */
  async function withEventsLocked<T>(work: () => Promise<T>): Promise<T> {
    const locker = new Client({ connectionString: system.infrastructure.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      return await work();
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  }

  it('finds articles and events by a search and by source', async () => {
    const articles = await fetch(`${store.url}/articles?q=harbour`);
    expect(articles.status).toBe(200);
    expect(((await articles.json()) as { items: Array<{ id: string }> }).items).toEqual([
      expect.objectContaining({ id: articleId }),
    ]);
    const events = await fetch(`${store.url}/events?q=dockers`);
    expect(((await events.json()) as { items: Array<{ id: string }> }).items).toEqual([
      expect.objectContaining({ id: eventId }),
    ]);
    const absent = await fetch(`${store.url}/events?q=nowhere`);
    expect(await absent.json()).toEqual({ items: [], nextCursor: null });
    const bySource = await fetch(`${store.url}/events?source=example.org`);
    expect(((await bySource.json()) as { items: unknown[] }).items).toHaveLength(1);
    const unknownSource = await fetch(`${store.url}/events?source=nowhere.example`);
    expect(((await unknownSource.json()) as { items: unknown[] }).items).toHaveLength(0);
  });

  it('answers a search past the statement timeout with 503 and Retry-After', async () => {
    const response = await withEventsLocked(() => fetch(`${store.url}/events?q=harbour`));

    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toEqual({
      statusCode: 503,
      error: expect.stringContaining('longer than 400 ms'),
    });
  });

  it('keeps id look-ups and readiness answering while 20 searches are stuck', async () => {
    const outcome = await withEventsLocked(async () => {
      const searches = Array.from({ length: 20 }, () =>
        fetch(`${store.url}/events?q=harbour`).then((response) => response.status),
      );
      const lookups: number[] = [];
      const ready: number[] = [];
      for (let round = 0; round < 10; round++) {
        const [lookup, readiness] = await Promise.all([
          fetch(`${store.url}/articles/${articleId}`),
          fetch(`${store.url}/health/ready`),
        ]);
        lookups.push(lookup.status);
        ready.push(readiness.status);
      }
      return { lookups, ready, searches: await Promise.all(searches) };
    });

    expect(outcome.lookups).toEqual(Array(10).fill(200));
    expect(outcome.ready).toEqual(Array(10).fill(200));
    // Each search timed out or found every search connection busy: a 503, never a 500.
    expect(new Set(outcome.searches)).toEqual(new Set([503]));
  });

  it('cancels the query in Postgres when the client goes away', async () => {
    const patient = await system.startService('store', { STORE_STATEMENT_TIMEOUT_MS: '60000' });
    const searchBackends = () =>
      system.infrastructure.query<{ state: string; wait_event_type: string | null }>(
        `SELECT state, wait_event_type FROM pg_stat_activity
         WHERE application_name = 'newsflow-store-searches' AND state = 'active'
           AND datname = current_database()`,
      );
    await withEventsLocked(async () => {
      const client = new AbortController();
      const request = fetch(`${patient.url}/events?q=harbour`, { signal: client.signal }).catch(
        () => 'aborted',
      );
      await waitFor('the search waiting on the lock', 10_000, async () =>
        (await searchBackends()).some((backend) => backend.wait_event_type === 'Lock'),
      );
      client.abort();
      expect(await request).toBe('aborted');
      // Still inside the lock: only a cancel can have ended the statement.
      await waitFor(
        'the search cancelled',
        5_000,
        async () => (await searchBackends()).length === 0,
      );
    });
    await patient.stop();
  });
});
