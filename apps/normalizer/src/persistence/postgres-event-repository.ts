import { randomUUID } from 'node:crypto';
import type {
  CandidateQuery,
  DocumentFrequencies,
  EventSnapshot as ClusterEventSnapshot,
  EventRepository,
  NewEvent,
} from '@newsflow/text-processing';
import type { EntityManager } from 'typeorm';
import type { EventChange } from '../processing/ports';

export interface EventRow {
  id: string;
  title: string | null;
  terms: Record<string, number>;
  index_terms: string[];
  article_count: number;
  years: number[];
  sources: string[];
  first_published_at: Date | null;
  last_published_at: Date | null;
  version: number;
}

/**
 * Event clusters in Postgres: candidates come from the term → event index, document frequencies
 * from their own table, and every write bumps the event's version so the store keeps the newest.
 * One instance serves one transaction and remembers what it changed.
 */
export class PostgresEventRepository implements EventRepository {
  private readonly changes = new Map<string, EventChange>();

  constructor(private readonly manager: EntityManager) {}

  changeOf(eventId: string): EventChange | undefined {
    return this.changes.get(eventId);
  }

  /** One round trip: the corpus size rides along as a row with a NULL term (the lock is held meanwhile). */
  async documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    const rows: Array<{ term: string | null; document_count: string }> = await this.manager.query(
      `SELECT NULL AS term, document_count FROM corpus_statistics WHERE id = 1
       UNION ALL
       SELECT term, document_count FROM term_document_frequencies WHERE term = ANY($1::text[])`,
      [terms],
    );
    const frequencies = new Map<string, number>();
    let totalDocuments = 0;
    for (const row of rows) {
      if (row.term === null) totalDocuments = Number(row.document_count);
      else frequencies.set(row.term, Number(row.document_count));
    }
    return { totalDocuments, frequencies };
  }

  async incrementDocumentFrequencies(terms: readonly string[]): Promise<void> {
    const distinct = [...new Set(terms)].sort();
    if (distinct.length > 0) {
      await this.manager.query(
        `INSERT INTO term_document_frequencies (term, document_count)
         SELECT term, 1 FROM unnest($1::text[]) AS term
         ON CONFLICT (term) DO UPDATE SET document_count = term_document_frequencies.document_count + 1`,
        [distinct],
      );
    }
    await this.manager.query(
      `UPDATE corpus_statistics SET document_count = document_count + 1 WHERE id = 1`,
    );
  }

  async candidateEvents(query: CandidateQuery): Promise<ClusterEventSnapshot[]> {
    if (query.terms.length === 0) return [];
    const rows: EventRow[] = await this.manager.query(
      `SELECT e.id, e.title, e.terms, e.index_terms, e.article_count, e.years, e.sources, e.first_published_at,
              e.last_published_at, e.version
         FROM (SELECT event_id, count(*) AS shared FROM event_cluster_terms
                WHERE term = ANY($1::text[]) GROUP BY event_id) matches
         JOIN event_clusters e ON e.id = matches.event_id
        WHERE $2::timestamptz IS NULL OR e.first_published_at IS NULL OR e.last_published_at IS NULL
           OR $2::timestamptz BETWEEN e.first_published_at - make_interval(days => $3)
                                  AND e.last_published_at + make_interval(days => $3)
        ORDER BY matches.shared DESC, e.id
        LIMIT $4`,
      [query.terms, query.publishedAt, query.windowDays, query.limit],
    );
    return rows.map(toSnapshot);
  }

  async createEvent(event: NewEvent): Promise<ClusterEventSnapshot> {
    const created: ClusterEventSnapshot = { ...event, id: randomUUID() };
    await this.manager.query(
      `INSERT INTO event_clusters (id, title, terms, index_terms, article_count, sources, first_published_at,
         last_published_at, years, version, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::text[], $5, $6::text[], $7::timestamptz, $8::timestamptz, $9::integer[], 1,
         now())`,
      eventParameters(created),
    );
    await this.indexTerms(created.id, created.indexTerms);
    this.changes.set(created.id, { event: created, version: 1, created: true });
    return created;
  }

  async updateEvent(event: ClusterEventSnapshot): Promise<void> {
    const rows: Array<{ version: number }> = await this.manager.query(
      // Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE, rows for a SELECT.
      `WITH updated AS (
         UPDATE event_clusters SET title = $2, terms = $3::jsonb, index_terms = $4::text[], article_count = $5,
           sources = $6::text[], first_published_at = $7::timestamptz, last_published_at = $8::timestamptz,
           years = $9::integer[], version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING version)
       SELECT version FROM updated`,
      eventParameters(event),
    );
    await this.manager.query(`DELETE FROM event_cluster_terms WHERE event_id = $1`, [event.id]);
    await this.indexTerms(event.id, event.indexTerms);
    const previous = this.changes.get(event.id);
    this.changes.set(event.id, {
      event,
      version: rows[0]?.version ?? 1,
      created: previous?.created ?? false,
    });
  }

  /** A duplicate from a new outlet widens its event's sources without adding an article. */
  async addSource(eventId: string, source: string): Promise<void> {
    const rows: EventRow[] = await this.manager.query(
      `WITH updated AS (
         UPDATE event_clusters SET sources = array_append(sources, $2), version = version + 1, updated_at = now()
          WHERE id = $1 AND NOT ($2 = ANY(sources))
          RETURNING id, title, terms, index_terms, article_count, years, sources, first_published_at,
                    last_published_at, version)
       SELECT * FROM updated`,
      [eventId, source],
    );
    const row = rows[0];
    if (row)
      this.changes.set(eventId, { event: toSnapshot(row), version: row.version, created: false });
  }

  private async indexTerms(eventId: string, terms: readonly string[]): Promise<void> {
    if (terms.length === 0) return;
    await this.manager.query(
      `INSERT INTO event_cluster_terms (term, event_id)
       SELECT DISTINCT term, $1::uuid FROM unnest($2::text[]) AS term ON CONFLICT DO NOTHING`,
      [eventId, terms],
    );
  }
}

export function eventParameters(event: ClusterEventSnapshot): unknown[] {
  return [
    event.id,
    event.title,
    JSON.stringify(Object.fromEntries(event.terms)),
    event.indexTerms,
    event.articleCount,
    event.sources,
    event.firstPublishedAt,
    event.lastPublishedAt,
    event.years,
  ];
}

export function toSnapshot(row: EventRow): ClusterEventSnapshot {
  return {
    id: row.id,
    title: row.title,
    terms: new Map(Object.entries(row.terms)),
    indexTerms: row.index_terms,
    articleCount: row.article_count,
    years: row.years,
    sources: row.sources,
    firstPublishedAt: row.first_published_at?.toISOString() ?? null,
    lastPublishedAt: row.last_published_at?.toISOString() ?? null,
  };
}
