import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, ensureDatabaseExists } from '@newsflow/database';
import {
  PostgresDecisionReader,
  PostgresDecisionWriter,
} from '../apps/normalizer/src/persistence/postgres-decision-state';
import type { DecisionChanges } from '../apps/normalizer/src/processing/ports';
import type { EventSnapshot } from '@newsflow/text-processing';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

interface StoredEvent {
  id: string;
  terms: string[];
  first: string | null;
  last: string | null;
}

/** Event ids whose order is their number: ties on shared terms are broken by id. */
function eventId(number: number): string {
  return `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`;
}

describe('candidate events read by the Postgres decision reader', () => {
  const databaseUrl = `${POSTGRES_URL}/newsflow_test_${randomBytes(4).toString('hex')}_reader`;
  let dataSource: DataSource;

  async function store(events: readonly StoredEvent[]): Promise<void> {
    for (const event of events) {
      await dataSource.query(
        `INSERT INTO event_clusters (id, title, terms, index_terms, article_count, sources,
           first_published_at, last_published_at, version, updated_at)
         VALUES ($1, NULL, '{}', $2, 1, '{}', $3, $4, 1, now())`,
        [event.id, event.terms, event.first, event.last],
      );
      await dataSource.query(
        `INSERT INTO event_cluster_terms (term, event_id, event_sequence, event_first_published_at,
           event_last_published_at)
         SELECT unnest($1::text[]), id, sequence, first_published_at, last_published_at
           FROM event_clusters WHERE id = $2`,
        [event.terms, event.id],
      );
    }
  }

  beforeAll(async () => {
    await ensureDatabaseExists(databaseUrl);
    dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await store([
      // Shares the most terms, but ended long before the article: outside its window.
      { id: eventId(1), terms: ['a', 'b', 'c', 'd'], first: '2025-01-01', last: '2025-01-02' },
      { id: eventId(2), terms: ['a', 'b', 'c'], first: '2025-06-01', last: '2025-06-10' },
      // No dates: it cannot be ruled out.
      { id: eventId(3), terms: ['a', 'b'], first: null, last: null },
      { id: eventId(4), terms: ['a', 'b'], first: '2025-06-20', last: '2025-06-21' },
      { id: eventId(5), terms: ['a'], first: '2025-06-05', last: '2025-06-05' },
      { id: eventId(6), terms: ['z'], first: '2025-06-05', last: '2025-06-05' },
    ]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('ranks by shared terms then id, skipping events outside the window without using up the limit', async () => {
    const reader = new PostgresDecisionReader(dataSource.manager);
    const query = { terms: ['a', 'b', 'c', 'd'], windowDays: 10, limit: 3, postingsPerTerm: 100 };
    const { matches, events } = await reader.candidateEvents(
      [
        { ...query, publishedAt: '2025-06-15T00:00:00.000Z' },
        { ...query, publishedAt: null, limit: 2 },
      ],
      [],
    );

    expect(matches[0]).toEqual([
      { eventId: eventId(2), shared: 3 },
      { eventId: eventId(3), shared: 2 },
      { eventId: eventId(4), shared: 2 },
    ]);
    // Without a date every event is in the window.
    expect(matches[1]).toEqual([
      { eventId: eventId(1), shared: 4 },
      { eventId: eventId(2), shared: 3 },
    ]);
    expect(events.map(({ event }) => event.id).sort()).toEqual(
      [eventId(1), eventId(2), eventId(3), eventId(4)].sort(),
    );
  });

  it('counts, per term, only the most recently created events carrying it', async () => {
    const reader = new PostgresDecisionReader(dataSource.manager);
    const { matches, postingTails } = await reader.candidateEvents(
      [
        {
          terms: ['a', 'b', 'c', 'd'],
          publishedAt: null,
          windowDays: 10,
          limit: 10,
          postingsPerTerm: 2,
        },
      ],
      [],
    );

    // a → events 5, 4; b → 4, 3; c → 2, 1; d → 1.
    expect(matches[0]).toEqual([
      { eventId: eventId(1), shared: 2 },
      { eventId: eventId(4), shared: 2 },
      { eventId: eventId(2), shared: 1 },
      { eventId: eventId(3), shared: 1 },
      { eventId: eventId(5), shared: 1 },
    ]);
    // Each term's committed postings around the bound, newest first (here from rank 1: the bound
    // is below the tail's reach), counted up to bound + POSTING_TAIL_AFTER + 1.
    const tails = Object.fromEntries(
      [...postingTails].map(([term, tail]) => [
        term,
        {
          bound: tail.bound,
          count: tail.count,
          firstRank: tail.firstRank,
          postings: tail.postings.map(({ eventId }) => eventId),
        },
      ]),
    );
    expect(tails).toEqual({
      a: { bound: 2, count: 5, firstRank: 1, postings: [5, 4, 3, 2, 1].map(eventId) },
      b: { bound: 2, count: 4, firstRank: 1, postings: [4, 3, 2, 1].map(eventId) },
      c: { bound: 2, count: 2, firstRank: 1, postings: [2, 1].map(eventId) },
      d: { bound: 2, count: 1, firstRank: 1, postings: [1].map(eventId) },
    });
    const [newest, older] = postingTails.get('c')?.postings ?? [];
    expect(newest.sequence).toBeGreaterThan(older.sequence);
  });

  it("ranks over the batch's pending index: its postings replace the stored ones, its new events rank newest", async () => {
    const reader = new PostgresDecisionReader(dataSource.manager);
    const { matches, postingTails } = await reader.candidateEvents(
      [
        {
          terms: ['a', 'b', 'c', 'd'],
          publishedAt: '2030-01-01T00:00:00.000Z',
          windowDays: 10,
          limit: 10,
          postingsPerTerm: 2,
        },
      ],
      [],
      undefined,
      {
        pending: {
          events: [
            // A stored event whose index terms changed, and a new one (not stored yet); both are
            // matched whatever their stored dates: the caller checks their windows.
            { eventId: eventId(2), indexTerms: ['a', 'z'], createdOrder: null },
            { eventId: eventId(7), indexTerms: ['a', 'b'], createdOrder: 1 },
          ],
        },
      },
    );

    // a → 7, 5 (before 4, 3, 2, 1); b → 7, 4; c → 1 (2 no longer has it); d → 1. Event 3 (no
    // dates) lost its postings to newer events; 1, 4 and 5 are outside the window.
    expect(matches[0]).toEqual([{ eventId: eventId(7), shared: 2 }]);
    // With a pending index the caller needs no posting tails.
    expect(postingTails.size).toBe(0);
  });

  it('returns the events it reads with their creation rank, except those the caller has', async () => {
    const reader = new PostgresDecisionReader(dataSource.manager);
    const { events } = await reader.candidateEvents([], [eventId(1), eventId(2)], undefined, {
      known: [eventId(2)],
    });
    expect(events.map(({ event }) => event.id)).toEqual([eventId(1)]);
    expect(typeof events[0].sequence).toBe('bigint');
  });

  it("keeps each posting's copy of its event's dated span equal to the event's", async () => {
    const writer = new PostgresDecisionWriter(dataSource.manager);
    const event: EventSnapshot = {
      id: eventId(20),
      title: 'Twenty',
      terms: new Map([
        ['p', 1],
        ['q', 1],
        ['r', 1],
      ]),
      indexTerms: ['p', 'q', 'r'],
      articleCount: 1,
      years: [2025],
      sources: [],
      firstPublishedAt: '2025-03-01T00:00:00.000Z',
      lastPublishedAt: '2025-03-01T00:00:00.000Z',
    };
    const changes = (
      snapshot: EventSnapshot,
      version: number,
      added: string[],
      removed: string[],
    ): DecisionChanges => ({
      fingerprints: [],
      documentFrequencies: new Map(),
      documents: 0,
      events: [
        {
          event: snapshot,
          version,
          created: version === 1,
          indexTermsAdded: added,
          indexTermsRemoved: removed,
        },
      ],
      outcomes: [],
    });
    const spans = async (): Promise<Array<[string, string | null, string | null]>> => {
      const rows: Array<{ term: string; first: Date | null; last: Date | null }> =
        await dataSource.query(
          `SELECT term, event_first_published_at AS first, event_last_published_at AS last
             FROM event_cluster_terms WHERE event_id = $1 ORDER BY term`,
          [event.id],
        );
      return rows.map((row) => [
        row.term,
        row.first?.toISOString() ?? null,
        row.last?.toISOString() ?? null,
      ]);
    };
    await writer.write(changes(event, 1, ['p', 'q', 'r'], []));
    const march = ['2025-03-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'];
    expect(await spans()).toEqual([
      ['p', ...march],
      ['q', ...march],
      ['r', ...march],
    ]);
    // A later article joins: the span widens, r gives way to s.
    const widened: EventSnapshot = {
      ...event,
      indexTerms: ['p', 'q', 's'],
      firstPublishedAt: '2025-02-20T00:00:00.000Z',
      lastPublishedAt: '2025-03-05T00:00:00.000Z',
    };
    await writer.write(changes(widened, 2, ['s'], ['r']));
    const span = ['2025-02-20T00:00:00.000Z', '2025-03-05T00:00:00.000Z'];
    expect(await spans()).toEqual([
      ['p', ...span],
      ['q', ...span],
      ['s', ...span],
    ]);
    // The read checks the window on those postings: in it on 2025-03-20 (+15 days), not after.
    const reader = new PostgresDecisionReader(dataSource.manager);
    const query = { terms: ['p', 'q'], windowDays: 15, limit: 5, postingsPerTerm: 10 };
    const { matches } = await reader.candidateEvents(
      [
        { ...query, publishedAt: '2025-03-20T00:00:00.000Z' },
        { ...query, publishedAt: '2025-03-20T00:00:01.000Z' },
        { ...query, publishedAt: '2025-02-05T00:00:00.000Z' },
        { ...query, publishedAt: '2025-02-04T23:59:59.000Z' },
      ],
      [],
    );
    expect(matches.map((list) => list.map((match) => match.eventId))).toEqual([
      [event.id],
      [],
      [event.id],
      [],
    ]);
  });
});
