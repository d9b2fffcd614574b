import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ArticleStatus } from '@newsflow/database';
import type { EventSnapshot } from '@newsflow/contracts';
import type { DataSource } from 'typeorm';

export interface ArticleRecord {
  id: string;
  status: ArticleStatus;
  duplicateOf: string | null;
  eventId: string | null;
  reason: string | null;
  url: string | null;
  canonicalUrl: string | null;
  source: string | null;
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  language: string | null;
  text: string | null;
  receivedAt: string;
  processedAt: string;
  correlationId: string | null;
  traceId: string | null;
}

/** The writes a batch of processed-feed messages needs; the batcher depends on this only. */
export interface ProcessedFeedWriter {
  /** Every row in one transaction: all of them are committed when it resolves, or none. */
  saveBatch(articles: readonly ArticleRecord[], events: readonly EventSnapshot[]): Promise<void>;
  saveArticle(article: ArticleRecord): Promise<void>;
  saveEvent(event: EventSnapshot): Promise<void>;
}

const ARTICLE_COLUMNS = `id, status, duplicate_of, event_id, reason, url, canonical_url, source, title,
  author, published_at, language, text, received_at, processed_at, sort_at, correlation_id, trace_id`;
const EVENT_COLUMNS = `id, title, article_count, sources, first_published_at, last_published_at, version,
  updated_at, sort_at`;
/** An event snapshot only replaces an older one, whatever order the snapshots arrive in. */
const EVENT_CONFLICT = `ON CONFLICT (id) DO UPDATE SET
  title = EXCLUDED.title, article_count = EXCLUDED.article_count, sources = EXCLUDED.sources,
  first_published_at = EXCLUDED.first_published_at, last_published_at = EXCLUDED.last_published_at,
  version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, sort_at = EXCLUDED.sort_at
WHERE events.version < EXCLUDED.version`;

/** Many articles in one statement: one array parameter per column, `$first`… onwards. */
function articlesInsert(first: number): string {
  const p = (index: number) => `$${first + index}`;
  return `INSERT INTO articles (${ARTICLE_COLUMNS})
SELECT r.id, r.status, r.duplicate_of, r.event_id, r.reason, r.url, r.canonical_url, r.source, r.title,
  r.author, r.published_at, r.language, r.text, r.received_at, r.processed_at,
  coalesce(r.published_at, r.received_at), r.correlation_id, r.trace_id
FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::uuid[], ${p(3)}::uuid[], ${p(4)}::text[],
  ${p(5)}::text[], ${p(6)}::text[], ${p(7)}::text[], ${p(8)}::text[], ${p(9)}::text[],
  ${p(10)}::timestamptz[], ${p(11)}::text[], ${p(12)}::text[], ${p(13)}::timestamptz[],
  ${p(14)}::timestamptz[], ${p(15)}::text[], ${p(16)}::text[])
  AS r(id, status, duplicate_of, event_id, reason, url, canonical_url, source, title, author,
    published_at, language, text, received_at, processed_at, correlation_id, trace_id)
ON CONFLICT (id) DO NOTHING`;
}

/** Many events in one statement; `sources` travel as one JSON array per event (arrays of arrays cannot be ragged). */
function eventsInsert(first: number): string {
  const p = (index: number) => `$${first + index}`;
  return `INSERT INTO events (${EVENT_COLUMNS})
SELECT r.id, r.title, r.article_count,
  ARRAY(SELECT s.source FROM jsonb_array_elements_text(r.sources) WITH ORDINALITY AS s(source, n) ORDER BY s.n),
  r.first_published_at, r.last_published_at, r.version, r.updated_at,
  coalesce(r.last_published_at, r.updated_at)
FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::integer[], ${p(3)}::jsonb[],
  ${p(4)}::timestamptz[], ${p(5)}::timestamptz[], ${p(6)}::integer[], ${p(7)}::timestamptz[])
  AS r(id, title, article_count, sources, first_published_at, last_published_at, version, updated_at)
${EVENT_CONFLICT}`;
}

const ARTICLES_INSERT = articlesInsert(1);
const EVENTS_INSERT = eventsInsert(1);
/** Both tables in one statement, so one autocommit round trip is the whole transaction. */
const BATCH_INSERT = `WITH stored_articles AS (${ARTICLES_INSERT})
${eventsInsert(18)}`;

function articleColumns(articles: readonly ArticleRecord[]): unknown[][] {
  const column = <T>(pick: (article: ArticleRecord) => T): T[] => articles.map(pick);
  return [
    column((article) => article.id),
    column((article) => article.status),
    column((article) => article.duplicateOf),
    column((article) => article.eventId),
    column((article) => article.reason),
    column((article) => article.url),
    column((article) => article.canonicalUrl),
    column((article) => article.source),
    column((article) => article.title),
    column((article) => article.author),
    column((article) => article.publishedAt),
    column((article) => article.language),
    column((article) => article.text),
    column((article) => article.receivedAt),
    column((article) => article.processedAt),
    column((article) => article.correlationId),
    column((article) => article.traceId),
  ];
}

function eventColumns(events: readonly EventSnapshot[]): unknown[][] {
  const column = <T>(pick: (event: EventSnapshot) => T): T[] => events.map(pick);
  return [
    column((event) => event.id),
    column((event) => event.title),
    column((event) => event.articleCount),
    column((event) => JSON.stringify(event.sources)),
    column((event) => event.firstPublishedAt),
    column((event) => event.lastPublishedAt),
    column((event) => event.version),
    column((event) => event.updatedAt),
  ];
}

/**
 * Writes of the processed feed, in raw SQL because the conflict rules are the point: an article
 * is written once (a redelivery changes nothing) and an event snapshot only replaces an older one.
 */
@Injectable()
export class ProcessedFeedRepository implements ProcessedFeedWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One statement, hence one transaction and one commit, for the whole batch. Callers pass each
   * article id and each event id at most once (an event twice in one `ON CONFLICT DO UPDATE`
   * statement is an error), in the same order every time (by id) so that concurrent batches take
   * their row locks in one order.
   */
  async saveBatch(
    articles: readonly ArticleRecord[],
    events: readonly EventSnapshot[],
  ): Promise<void> {
    if (articles.length > 0 && events.length > 0) {
      await this.dataSource.query(BATCH_INSERT, [
        ...articleColumns(articles),
        ...eventColumns(events),
      ]);
    } else if (articles.length > 0) {
      await this.dataSource.query(ARTICLES_INSERT, articleColumns(articles));
    } else if (events.length > 0) {
      await this.dataSource.query(EVENTS_INSERT, eventColumns(events));
    }
  }

  async saveArticle(article: ArticleRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO articles (${ARTICLE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13, $14::timestamptz, $15,
         coalesce($11::timestamptz, $14::timestamptz), $16, $17)
       ON CONFLICT (id) DO NOTHING`,
      articleColumns([article]).map(([value]) => value),
    );
  }

  async saveEvent(event: EventSnapshot): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO events (${EVENT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7, $8::timestamptz, coalesce($6::timestamptz, $8::timestamptz))
       ${EVENT_CONFLICT}`,
      [
        event.id,
        event.title,
        event.articleCount,
        event.sources,
        event.firstPublishedAt,
        event.lastPublishedAt,
        event.version,
        event.updatedAt,
      ],
    );
  }
}
