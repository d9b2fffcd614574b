import { Injectable } from '@nestjs/common';
import type { ArticleView } from '../views/api-views';
import { type FeedFilters, filterParameters } from '../shared/feed-filters';
import type { ReadSession } from '../reads/read-pools';
import type { PhraseStatements } from '../reads/phrase-search';
import { bitmapIndexRows, type FeedWindow, PHRASE_BUDGET } from '../reads/search-plan';
import type { FeedPosition } from '../shared/list-query';

/** A row as the statements below select it: the view's fields, dates still as Date. */
export type ArticleRow = Omit<ArticleView, 'publishedAt' | 'receivedAt' | 'processedAt'> & {
  publishedAt: Date | null;
  receivedAt: Date;
  processedAt: Date;
  sortAt: Date;
};

/** An article row's columns (alias `a`), as `ArticleRow` names them; event reads select them too. */
export const ARTICLE_COLUMNS = `a.id, a.status, a.duplicate_of AS "duplicateOf", a.event_id AS "eventId", a.reason,
  a.url, a.canonical_url AS "canonicalUrl", a.source, a.title, a.author,
  a.published_at AS "publishedAt", a.language, a.text, a.received_at AS "receivedAt",
  a.processed_at AS "processedAt", a.sort_at AS "sortAt"`;

/**
 * The feed's filters as parameters $1..$5 (source, since, until, cursor position): a filter left
 * out is NULL, and each statement is planned for its own values, so `$1 IS NULL` folds away and
 * the remaining conditions pick their index (source feed, sort_at range).
 */
const FILTERS = `($1::text IS NULL OR a.source = $1)
  AND ($2::timestamptz IS NULL OR a.sort_at >= $2)
  AND ($3::timestamptz IS NULL OR a.sort_at < $3)
  AND ($4::timestamptz IS NULL OR (a.sort_at, a.id) < ($4, $5::uuid))`;

/**
 * Down to the window's end ($8, $9; no bound when NULL). The row comparison alone, never with a
 * `sort_at >= $8` beside it: Postgres would count that range twice (the comparison is estimated
 * by its first column), expect a handful of rows in the window, and test each of its articles'
 * tsvectors (read from TOAST) instead of ANDing the window with the GIN index's bitmap.
 */
const IN_WINDOW = `($8::timestamptz IS NULL OR (a.sort_at, a.id) >= ($8, $9::uuid))`;

const SELECT_BY_ID = `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = $1`;

/** $6 = rows wanted. Walks (sort_at, id) or (source, sort_at, id) from the cursor. */
const SELECT_FEED_PAGE = `SELECT ${ARTICLE_COLUMNS} FROM articles a
  WHERE ${FILTERS}
  ORDER BY a.sort_at DESC, a.id DESC LIMIT $6`;

/**
 * How many articles the GIN index finds for the search $1: the `Actual Rows` of the Bitmap Index
 * Scan in `EXPLAIN ANALYZE` of a one-row read (bitmapIndexRows). The bitmap is built in full
 * before its heap scan reads one page, so the count reads no article: a few ms for 0–50k matches
 * at 1M, where counting the rows themselves reads one heap page per match.
 */
const EXPLAIN_MATCHES = `EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, SUMMARY OFF, FORMAT JSON)
  SELECT 1 FROM articles a WHERE a.search @@ websearch_to_tsquery('simple', $1) LIMIT 1`;

/** As EXPLAIN_MATCHES for a phrase's candidates ($1, a tsquery of ANDs). */
const EXPLAIN_CANDIDATES = `EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, SUMMARY OFF, FORMAT JSON)
  SELECT 1 FROM articles a WHERE a.search @@ $1::tsquery LIMIT 1`;

/** The GIN index on `articles.search`, whose bitmap the EXPLAIN statements above read. */
const SEARCH_INDEX = 'articles_search_idx';

/**
 * A selective search ($7): every match from the GIN index, filtered, its newest $6 sorted in
 * memory; only those rows are read in full.
 */
const SELECT_SEARCH_BY_INDEX = `WITH matched AS MATERIALIZED (
    SELECT a.id, a.sort_at FROM articles a
    WHERE a.search @@ websearch_to_tsquery('simple', $7) AND ${FILTERS}
    ORDER BY a.sort_at DESC, a.id DESC LIMIT $6)
  SELECT ${ARTICLE_COLUMNS} FROM matched m JOIN articles a ON a.id = m.id
  ORDER BY a.sort_at DESC, a.id DESC`;

/** A common search ($7): the feed walked newest first, each article tested, until $6 match. */
const SELECT_SEARCH_BY_FEED = `SELECT ${ARTICLE_COLUMNS} FROM articles a
  WHERE a.search @@ websearch_to_tsquery('simple', $7) AND ${FILTERS}
  ORDER BY a.sort_at DESC, a.id DESC LIMIT $6`;

/** The position $6 rows down the feed from the cursor (filters applied): a window's last row. */
const SELECT_WINDOW_END = `SELECT a.sort_at AS "sortAt", a.id FROM articles a
  WHERE ${FILTERS}
  ORDER BY a.sort_at DESC, a.id DESC OFFSET $6 - 1 LIMIT 1`;

/**
 * A search ($7) within the window from the cursor down to the position ($8, $9): the GIN index's
 * bitmap ANDed with the feed index's range, so only matches inside the window are read; the
 * newest $6 read in full.
 */
const SELECT_SEARCH_IN_WINDOW = `WITH matched AS MATERIALIZED (
    SELECT a.id, a.sort_at FROM articles a
    WHERE a.search @@ websearch_to_tsquery('simple', $7) AND ${FILTERS}
      AND ${IN_WINDOW}
    ORDER BY a.sort_at DESC, a.id DESC LIMIT $6)
  SELECT ${ARTICLE_COLUMNS} FROM matched m JOIN articles a ON a.id = m.id
  ORDER BY a.sort_at DESC, a.id DESC`;

/** Postgres's text form of the parsed query: phrases show as `<->`. */
const SELECT_PARSED_QUERY = `SELECT websearch_to_tsquery('simple', $1)::text AS query`;

/** The newest $6 phrase candidates ($7) from the cursor: every candidate from the GIN index, sorted. */
const SELECT_CANDIDATES_BY_INDEX = `SELECT a.id, a.sort_at AS "sortAt" FROM articles a
  WHERE a.search @@ $7::tsquery AND ${FILTERS}
  ORDER BY a.sort_at DESC, a.id DESC LIMIT $6`;

/**
 * The newest $6 phrase candidates ($7, a tsquery of ANDs: no recheck, no article's tsvector read)
 * from the cursor down to the window's end ($8, $9; the feed's end when NULL): the GIN index's bitmap ANDed
 * with the feed index's range, so only the candidates inside the window are read.
 */
const SELECT_CANDIDATES_IN_WINDOW = `SELECT a.id, a.sort_at AS "sortAt" FROM articles a
  WHERE a.search @@ $7::tsquery AND ${FILTERS}
    AND ${IN_WINDOW}
  ORDER BY a.sort_at DESC, a.id DESC LIMIT $6`;

/** The next $6 articles of the feed from the cursor, whatever they hold (phrases of common words). */
const SELECT_FEED_POSITIONS = `SELECT a.id, a.sort_at AS "sortAt" FROM articles a
  WHERE ${FILTERS}
  ORDER BY a.sort_at DESC, a.id DESC LIMIT $6`;

/**
 * Of the articles $1, the newest $3 that match the search $2, each tested on its tsvector. The
 * tested rows are found by key first (MATERIALIZED): ordered and limited in one step, Postgres
 * may walk the feed index instead, testing every article down to the oldest of $1.
 */
const SELECT_PHRASE_MATCHES = `WITH tested AS MATERIALIZED (
    SELECT ${ARTICLE_COLUMNS} FROM articles a
    WHERE a.id = ANY ($1::uuid[]) AND a.search @@ websearch_to_tsquery('simple', $2))
  SELECT * FROM tested t ORDER BY t."sortAt" DESC, t.id DESC LIMIT $3`;

/**
 * Postgres's statistics of the search column: the most common lexemes (up to 10 × the statistics
 * target) and the share of sampled articles holding each; the last entries of the shares are
 * their min, max and null share, past the lexemes.
 */
const SELECT_TERM_STATISTICS = `SELECT s.most_common_elems::text::text[] AS lexemes,
    s.most_common_elem_freqs AS shares, c.reltuples::float8 AS articles,
    (SELECT reltuples::float8 FROM pg_class WHERE oid = 'events'::regclass) AS events
  FROM pg_stats s JOIN pg_class c ON c.oid = 'articles'::regclass
  WHERE s.schemaname = current_schema() AND s.tablename = 'articles' AND s.attname = 'search'`;

/** Plan settings for one transaction: `SET LOCAL` lasts until its COMMIT. */
const BEGIN_INDEX_ONLY = `BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off`;
export const USE_FEED_ORDER = `SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = off`;
export const USE_BITMAPS = `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = on`;
/** Either kind of index scan: a window's end is found in feed order, or by a rare filter's index. */
export const USE_ANY_INDEX = `SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = on`;
const COMMIT = 'COMMIT';
const ROLLBACK = 'ROLLBACK';

/** The store's article reads; the plan for a search is chosen by `SearchPlanner`. */
@Injectable()
export class ArticlesRepository {
  readonly feed = 'articles';
  readonly phraseBudget = PHRASE_BUDGET.articles;
  readonly phrase: PhraseStatements = {
    candidatesByIndex: SELECT_CANDIDATES_BY_INDEX,
    candidatesInWindow: SELECT_CANDIDATES_IN_WINDOW,
    feedPositions: SELECT_FEED_POSITIONS,
    matches: SELECT_PHRASE_MATCHES,
  };

  async byId(session: ReadSession, id: string): Promise<ArticleRow | null> {
    const [row] = await session.query<ArticleRow>(SELECT_BY_ID, [id]);
    return row ?? null;
  }

  async feedPage(session: ReadSession, filters: FeedFilters, rows: number): Promise<ArticleRow[]> {
    return session.query<ArticleRow>(SELECT_FEED_PAGE, [...filterParameters(filters), rows]);
  }

  /**
   * Runs `work` in one transaction whose statements may use no table scan and no plain index
   * scan: a search reaches the articles through the GIN index unless told otherwise.
   */
  async inSearchTransaction<T>(session: ReadSession, work: () => Promise<T>): Promise<T> {
    await session.query(BEGIN_INDEX_ONLY);
    try {
      const result = await work();
      await session.query(COMMIT);
      return result;
    } catch (error) {
      await session.query(ROLLBACK).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Expected articles per common lexeme (empty before the table was first analyzed), and the
   * articles stored as of the last analyze (0 before).
   */
  async termStatistics(
    session: ReadSession,
  ): Promise<{ articles: number; events: number; expected: Map<string, number> }> {
    const [row] = await session.query<{
      lexemes: string[] | null;
      shares: number[] | null;
      articles: number;
      events: number;
    }>(SELECT_TERM_STATISTICS);
    const expected = new Map<string, number>();
    const articles = Math.max(0, row?.articles ?? 0);
    const events = Math.max(0, row?.events ?? 0);
    if (!row?.lexemes || !row.shares) return { articles, events, expected };
    row.lexemes.forEach((lexeme, index) =>
      expected.set(lexeme, (row.shares?.[index] ?? 0) * row.articles),
    );
    return { articles, events, expected };
  }

  /**
   * The articles the GIN index finds for the search `q`, or for a phrase's `candidates` (a
   * tsquery), without reading them; null if the plan showed no bitmap of the index.
   */
  async matchesByIndex(
    session: ReadSession,
    search: { q: string } | { candidates: string },
  ): Promise<number | null> {
    const [row] = await session.query<{ 'QUERY PLAN': unknown }>(
      'q' in search ? EXPLAIN_MATCHES : EXPLAIN_CANDIDATES,
      ['q' in search ? search.q : search.candidates],
    );
    return bitmapIndexRows(row?.['QUERY PLAN'], SEARCH_INDEX);
  }

  /** The window's in-window parameters: its end ($8, $9). */
  async windowOf(session: ReadSession, filters: FeedFilters, size: number): Promise<FeedWindow> {
    await session.query(USE_ANY_INDEX);
    const [row] = await session.query<FeedPosition>(SELECT_WINDOW_END, [
      ...filterParameters(filters),
      size,
    ]);
    await session.query(USE_BITMAPS);
    const end = row ?? null;
    return { end, parameters: [end?.sortAt ?? null, end?.id ?? null] };
  }

  async searchInWindow(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    window: FeedWindow,
    rows: number,
  ): Promise<ArticleRow[]> {
    return session.query<ArticleRow>(SELECT_SEARCH_IN_WINDOW, [
      ...filterParameters(filters),
      rows,
      q,
      ...window.parameters,
    ]);
  }

  async parsedQuery(session: ReadSession, q: string): Promise<string> {
    const [row] = await session.query<{ query: string }>(SELECT_PARSED_QUERY, [q]);
    return row?.query ?? '';
  }

  async searchByIndex(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    rows: number,
  ): Promise<ArticleRow[]> {
    return session.query<ArticleRow>(SELECT_SEARCH_BY_INDEX, [
      ...filterParameters(filters),
      rows,
      q,
    ]);
  }

  async searchByFeed(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    rows: number,
  ): Promise<ArticleRow[]> {
    await session.query(USE_FEED_ORDER);
    return session.query<ArticleRow>(SELECT_SEARCH_BY_FEED, [
      ...filterParameters(filters),
      rows,
      q,
    ]);
  }
}
