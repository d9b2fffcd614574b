import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ArticleStatus } from '@newsflow/database';
import type { EventSnapshot } from '@newsflow/contracts';
import type { DataSource, EntityManager } from 'typeorm';

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

/** An `article.moved.v1`: the article's event from this version on. */
export interface MoveRecord {
  articleId: string;
  eventId: string;
  version: number;
  movedAt: string;
}

/** An `event.merged.v1`: the event absorbed into `mergedInto` at this version. */
export interface MergeRecord {
  eventId: string;
  mergedInto: string;
  version: number;
  mergedAt: string;
}

/** The revisions of a batch: each article's move once, each event's merge once. */
export interface RevisionRows {
  moves: readonly MoveRecord[];
  merges: readonly MergeRecord[];
}

/** The writes a batch of processed-feed messages needs; the batcher depends on this only. */
export interface ProcessedFeedWriter {
  /** Every row in one transaction: all of them are committed when it resolves, or none. */
  saveBatch(
    articles: readonly ArticleRecord[],
    events: readonly EventSnapshot[],
    revisions?: RevisionRows,
  ): Promise<void>;
  saveArticle(article: ArticleRecord): Promise<void>;
  saveEvent(event: EventSnapshot): Promise<void>;
  saveMove(move: MoveRecord): Promise<void>;
  saveMerge(merge: MergeRecord): Promise<void>;
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

/**
 * Many articles in one statement: one array parameter per column, `$first`… onwards. Each
 * article with an event first meets its row in `article_assignments` (inserted at version 1, or
 * the row a move wrote before it, which the no-op update returns as it is committed: a move being
 * written concurrently is waited for) and is stored with that row's event. A redelivered article
 * only brings its `event_id` back to its assignment.
 */
function articlesInsert(first: number): { assigned: string; insert: string } {
  const p = (index: number) => `$${first + index}`;
  const assigned = `assigned AS (
  INSERT INTO article_assignments (article_id, event_id, version, assigned_at)
  SELECT r.id, r.event_id, 1, r.processed_at
  FROM unnest(${p(0)}::uuid[], ${p(3)}::uuid[], ${p(14)}::timestamptz[]) AS r(id, event_id, processed_at)
  WHERE r.event_id IS NOT NULL
  ON CONFLICT (article_id) DO UPDATE SET version = article_assignments.version
  RETURNING article_id, event_id
)`;
  const insert = `INSERT INTO articles (${ARTICLE_COLUMNS})
SELECT r.id, r.status, r.duplicate_of, coalesce(assigned.event_id, r.event_id), r.reason, r.url,
  r.canonical_url, r.source, r.title, r.author, r.published_at, r.language, r.text, r.received_at,
  r.processed_at, coalesce(r.published_at, r.received_at), r.correlation_id, r.trace_id
FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::uuid[], ${p(3)}::uuid[], ${p(4)}::text[],
  ${p(5)}::text[], ${p(6)}::text[], ${p(7)}::text[], ${p(8)}::text[], ${p(9)}::text[],
  ${p(10)}::timestamptz[], ${p(11)}::text[], ${p(12)}::text[], ${p(13)}::timestamptz[],
  ${p(14)}::timestamptz[], ${p(15)}::text[], ${p(16)}::text[])
  AS r(id, status, duplicate_of, event_id, reason, url, canonical_url, source, title, author,
    published_at, language, text, received_at, processed_at, correlation_id, trace_id)
LEFT JOIN assigned ON assigned.article_id = r.id
ON CONFLICT (id) DO UPDATE SET event_id = EXCLUDED.event_id
WHERE articles.event_id IS DISTINCT FROM EXCLUDED.event_id`;
  return { assigned, insert };
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

const ARTICLES = articlesInsert(1);
const ARTICLES_INSERT = `WITH ${ARTICLES.assigned}
${ARTICLES.insert}`;
const EVENTS_INSERT = eventsInsert(1);
/** All three tables in one statement, so one autocommit round trip is the whole transaction. */
const BATCH_INSERT = `WITH ${ARTICLES.assigned}, stored_articles AS (${ARTICLES.insert})
${eventsInsert(18)}`;

/**
 * Moves ($1 article ids, $2 events, $3 versions, $4 times), each article once: an assignment only
 * replaces one of a lower version (of the same version, one of a lower event id), so moves apply
 * in any order and twice. Every row met is locked until the commit, also when it is kept, so an
 * article being stored concurrently is committed before ARTICLES_FOLLOW_ASSIGNMENTS reads.
 */
const ASSIGNMENTS_MOVE = `INSERT INTO article_assignments (article_id, event_id, version, assigned_at)
SELECT r.article_id, r.event_id, r.version, r.moved_at
FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::timestamptz[])
  AS r(article_id, event_id, version, moved_at)
ON CONFLICT (article_id) DO UPDATE
  SET event_id = EXCLUDED.event_id, version = EXCLUDED.version, assigned_at = EXCLUDED.assigned_at
WHERE (article_assignments.version, article_assignments.event_id) < (EXCLUDED.version, EXCLUDED.event_id)`;

/**
 * After ASSIGNMENTS_MOVE, in its own statement (so that it sees every article committed while
 * the move waited): the moved articles ($1) take their assignment's event. An article not stored
 * yet takes it when it is (articlesInsert).
 */
const ARTICLES_FOLLOW_ASSIGNMENTS = `UPDATE articles a SET event_id = s.event_id
FROM article_assignments s
WHERE s.article_id = ANY ($1::uuid[]) AND a.id = s.article_id
  AND a.event_id IS DISTINCT FROM s.event_id`;

/**
 * Merges ($1 absorbed events, $2 survivors, $3 versions, $4 times), each event once. A merge
 * arriving before any snapshot of its event leaves a row without articles, so that the id still
 * redirects; the merge's version is above every snapshot of the absorbed event, so no late
 * snapshot replaces it (EVENT_CONFLICT), and of two merges the higher version wins. A merge is
 * never undone: later snapshots leave `merged_into` as it is.
 */
const EVENTS_MERGE = `INSERT INTO events (${EVENT_COLUMNS}, merged_into)
SELECT r.event_id, NULL, 0, '{}', NULL, NULL, r.version, r.merged_at, r.merged_at, r.merged_into
FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::timestamptz[])
  AS r(event_id, merged_into, version, merged_at)
ON CONFLICT (id) DO UPDATE
  SET merged_into = EXCLUDED.merged_into, version = greatest(events.version, EXCLUDED.version),
    updated_at = EXCLUDED.updated_at
WHERE events.merged_into IS NULL
  OR (events.version, events.merged_into) < (EXCLUDED.version, EXCLUDED.merged_into)`;

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

function moveColumns(moves: readonly MoveRecord[]): unknown[][] {
  return [
    moves.map((move) => move.articleId),
    moves.map((move) => move.eventId),
    moves.map((move) => move.version),
    moves.map((move) => move.movedAt),
  ];
}

function mergeColumns(merges: readonly MergeRecord[]): unknown[][] {
  return [
    merges.map((merge) => merge.eventId),
    merges.map((merge) => merge.mergedInto),
    merges.map((merge) => merge.version),
    merges.map((merge) => merge.mergedAt),
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
 * is written once (a redelivery changes nothing but an `event_id` behind its assignment), an event
 * snapshot only replaces an older one, an article's assignment only one of a lower version.
 */
@Injectable()
export class ProcessedFeedRepository implements ProcessedFeedWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One statement, hence one transaction and one commit, for a batch of articles and snapshots;
   * with revisions, one transaction of a few statements (ASSIGNMENTS_MOVE must wait for the rows
   * it meets before ARTICLES_FOLLOW_ASSIGNMENTS reads). Callers pass each article id, event id,
   * moved article and merged event at most once (a row twice in one `ON CONFLICT DO UPDATE`
   * statement is an error), in the same order every time (by id) so that concurrent batches take
   * their row locks in one order.
   */
  async saveBatch(
    articles: readonly ArticleRecord[],
    events: readonly EventSnapshot[],
    revisions: RevisionRows = { moves: [], merges: [] },
  ): Promise<void> {
    const { moves, merges } = revisions;
    if (moves.length === 0 && merges.length === 0) {
      await this.insert(this.dataSource.manager, articles, events);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await this.insert(manager, articles, events);
      if (moves.length > 0) {
        await manager.query(ASSIGNMENTS_MOVE, moveColumns(moves));
        await manager.query(ARTICLES_FOLLOW_ASSIGNMENTS, [moves.map((move) => move.articleId)]);
      }
      if (merges.length > 0) await manager.query(EVENTS_MERGE, mergeColumns(merges));
    });
  }

  async saveArticle(article: ArticleRecord): Promise<void> {
    await this.dataSource.query(ARTICLES_INSERT, articleColumns([article]));
  }

  async saveEvent(event: EventSnapshot): Promise<void> {
    await this.dataSource.query(EVENTS_INSERT, eventColumns([event]));
  }

  async saveMove(move: MoveRecord): Promise<void> {
    await this.saveBatch([], [], { moves: [move], merges: [] });
  }

  async saveMerge(merge: MergeRecord): Promise<void> {
    await this.dataSource.query(EVENTS_MERGE, mergeColumns([merge]));
  }

  private async insert(
    runner: EntityManager,
    articles: readonly ArticleRecord[],
    events: readonly EventSnapshot[],
  ): Promise<void> {
    if (articles.length > 0 && events.length > 0) {
      await runner.query(BATCH_INSERT, [...articleColumns(articles), ...eventColumns(events)]);
    } else if (articles.length > 0) {
      await runner.query(ARTICLES_INSERT, articleColumns(articles));
    } else if (events.length > 0) {
      await runner.query(EVENTS_INSERT, eventColumns(events));
    }
  }
}
