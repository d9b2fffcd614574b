import { Injectable } from '@nestjs/common';
import type { EventView } from '../views/api-views';
import {
  ARTICLE_COLUMNS,
  type ArticleRow,
  USE_ANY_INDEX,
  USE_BITMAPS,
  USE_FEED_ORDER,
} from '../articles/articles.repository';
import { type FeedFilters, filterParameters } from '../shared/feed-filters';
import type { ReadSession } from '../reads/read-pools';
import type { PhraseStatements } from '../reads/phrase-search';
import { type FeedWindow, PHRASE_BUDGET } from '../reads/search-plan';
import type { FeedPosition } from '../shared/list-query';

export interface EventRow {
  id: string;
  title: EventView['title'];
  articleCount: number;
  sources: string[];
  firstPublishedAt: Date | null;
  lastPublishedAt: Date | null;
  updatedAt: Date;
  sortAt: Date;
}

/** An event as GET /events/:id finds it: live, or merged into `survivorId`. */
export type EventLookup =
  { kind: 'live'; event: EventRow } | { kind: 'merged'; id: string; survivorId: string };

const COLUMNS = `e.id, e.title, e.article_count AS "articleCount", e.sources,
  e.first_published_at AS "firstPublishedAt", e.last_published_at AS "lastPublishedAt",
  e.updated_at AS "updatedAt", e.sort_at AS "sortAt"`;

/**
 * $1..$5 as for articles (source, since, until, cursor). `@>` (not `= ANY`) so that a source
 * filter can use the GIN index on `sources`: an unknown source costs one index probe. A merged
 * event is in no list.
 */
const FILTERS = `e.merged_into IS NULL
  AND ($1::text IS NULL OR e.sources @> ARRAY[$1::text])
  AND ($2::timestamptz IS NULL OR e.sort_at >= $2)
  AND ($3::timestamptz IS NULL OR e.sort_at < $3)
  AND ($4::timestamptz IS NULL OR (e.sort_at, e.id) < ($4, $5::uuid))`;

const SELECT_BY_ID = `SELECT ${COLUMNS}, e.merged_into AS "mergedInto" FROM events e WHERE e.id = $1`;

/**
 * Where merged event $1 lives on: the end of its chain of merges (one key look-up per hop, at most
 * 64 hops; a chain that loops ends at the last event before the repeat), as ArticleEventMap's
 * `survivorOf` follows it. The end may be an event the store has not heard of yet.
 */
const SELECT_SURVIVOR = `WITH RECURSIVE chain (id, merged_into, hops, path) AS (
    SELECT e.id, e.merged_into, 1, ARRAY[e.id] FROM events e WHERE e.id = $1
  UNION ALL
    SELECT next.id, next.merged_into, chain.hops + 1, chain.path || next.id
    FROM chain JOIN events next ON next.id = chain.merged_into
    WHERE chain.hops < 64 AND NOT next.id = ANY (chain.path)
)
SELECT CASE WHEN c.merged_into IS NULL OR c.merged_into = ANY (c.path) THEN c.id
  ELSE c.merged_into END AS "survivorId"
FROM chain c ORDER BY c.hops DESC LIMIT 1`;

/** At most the first 1,000 articles of one event, oldest first. */
const SELECT_EVENT_ARTICLES = `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.event_id = $1
  ORDER BY a.sort_at, a.id LIMIT 1000`;

/** $6 = rows wanted. */
const SELECT_FEED_PAGE = `SELECT ${COLUMNS} FROM events e
  WHERE ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/**
 * A selective search ($7): the events of every matching article (GIN), filtered, newest $6. The
 * ids go to the events' key index as one array (one bitmap, heap pages read in order), not one
 * look-up per article.
 */
const SELECT_SEARCH_BY_INDEX = `SELECT ${COLUMNS} FROM events e
  WHERE e.id = ANY (ARRAY(
      SELECT a.event_id FROM articles a
      WHERE a.search @@ websearch_to_tsquery('simple', $7) AND a.event_id IS NOT NULL))
    AND ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/** A common search ($7): the event feed walked newest first, each event's articles tested. */
const SELECT_SEARCH_BY_FEED = `SELECT ${COLUMNS} FROM events e
  WHERE ${FILTERS}
    AND EXISTS (SELECT 1 FROM articles a
                WHERE a.event_id = e.id AND a.search @@ websearch_to_tsquery('simple', $7))
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/** The position $6 events down the feed from the cursor (filters applied): a window's last row. */
const SELECT_WINDOW_END = `SELECT e.sort_at AS "sortAt", e.id FROM events e
  WHERE ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC OFFSET $6 - 1 LIMIT 1`;

/**
 * A window of at most this many events is passed to its search as their ids ($10): Postgres then
 * plans the look-up of their articles knowing how many they are, and ANDs them with the GIN
 * index's bitmap. Of a subquery's array it expects ten elements, and tests each article's tsvector
 * (read from TOAST) instead. Longer windows (a page's matches far down the feed) keep the subquery.
 */
const WINDOW_IDS_MAX = 10_000;

/**
 * The ids of the events in the window: $10 when given, else the filters ($1 source, $2/$3 dates),
 * after the cursor ($4, $5) and down to the position ($8, $9), by the row comparison alone (a
 * `sort_at >= $8` beside it would be counted twice in Postgres's estimate).
 */
const EVENTS_IN_WINDOW = `COALESCE($10::uuid[], ARRAY(SELECT w.id FROM events w
          WHERE ($1::text IS NULL OR w.sources @> ARRAY[$1::text])
            AND ($2::timestamptz IS NULL OR w.sort_at >= $2)
            AND ($3::timestamptz IS NULL OR w.sort_at < $3)
            AND ($4::timestamptz IS NULL OR (w.sort_at, w.id) < ($4, $5::uuid))
            AND ($8::timestamptz IS NULL OR (w.sort_at, w.id) >= ($8, $9::uuid))))`;

/**
 * A search ($7) within the window of events from the cursor (EVENTS_IN_WINDOW): the
 * articles of those events (their event index) ANDed with the GIN index's bitmap, so only the
 * matching articles are read; their events, newest $6.
 */
const SELECT_SEARCH_IN_WINDOW = `SELECT ${COLUMNS} FROM events e
  WHERE e.id = ANY (ARRAY(
      SELECT a.event_id FROM articles a
      WHERE a.search @@ websearch_to_tsquery('simple', $7)
        AND a.event_id = ANY (${EVENTS_IN_WINDOW})))
    AND ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/**
 * The newest $6 events from the cursor holding a phrase candidate ($7, a tsquery of ANDs), the
 * candidates found through the GIN index.
 */
const SELECT_CANDIDATES_BY_INDEX = `SELECT e.id, e.sort_at AS "sortAt" FROM events e
  WHERE e.id = ANY (ARRAY(
      SELECT a.event_id FROM articles a
      WHERE a.search @@ $7::tsquery AND a.event_id IS NOT NULL))
    AND ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/**
 * As SELECT_CANDIDATES_BY_INDEX within the window of events (EVENTS_IN_WINDOW): the
 * articles of those events (their event index) ANDed with the GIN index's bitmap.
 */
const SELECT_CANDIDATES_IN_WINDOW = `SELECT e.id, e.sort_at AS "sortAt" FROM events e
  WHERE e.id = ANY (ARRAY(
      SELECT a.event_id FROM articles a
      WHERE a.search @@ $7::tsquery
        AND a.event_id = ANY (${EVENTS_IN_WINDOW})))
    AND ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/**
 * The next $6 events of the feed from the cursor, whatever their articles hold: a phrase's
 * candidates of common words, or a window's events.
 */
const SELECT_FEED_POSITIONS = `SELECT e.id, e.sort_at AS "sortAt" FROM events e
  WHERE ${FILTERS}
  ORDER BY e.sort_at DESC, e.id DESC LIMIT $6`;

/**
 * Of the events $1, the newest $3 with an article that matches the search $2; found by key first
 * (MATERIALIZED), as for articles.
 */
const SELECT_PHRASE_MATCHES = `WITH tested AS MATERIALIZED (
    SELECT ${COLUMNS} FROM events e
    WHERE e.id = ANY ($1::uuid[])
      AND EXISTS (SELECT 1 FROM articles a
                  WHERE a.event_id = e.id AND a.search @@ websearch_to_tsquery('simple', $2)))
  SELECT * FROM tested t ORDER BY t."sortAt" DESC, t.id DESC LIMIT $3`;

@Injectable()
export class EventsRepository {
  readonly feed = 'events';
  readonly phraseBudget = PHRASE_BUDGET.events;
  readonly phrase: PhraseStatements = {
    candidatesByIndex: SELECT_CANDIDATES_BY_INDEX,
    candidatesInWindow: SELECT_CANDIDATES_IN_WINDOW,
    feedPositions: SELECT_FEED_POSITIONS,
    matches: SELECT_PHRASE_MATCHES,
  };

  async byId(session: ReadSession, id: string): Promise<EventLookup | null> {
    const [row] = await session.query<EventRow & { mergedInto: string | null }>(SELECT_BY_ID, [id]);
    if (!row) return null;
    const { mergedInto, ...event } = row;
    if (mergedInto === null) return { kind: 'live', event };
    const [found] = await session.query<{ survivorId: string }>(SELECT_SURVIVOR, [id]);
    return { kind: 'merged', id: row.id, survivorId: found?.survivorId ?? mergedInto };
  }

  async articlesOf(session: ReadSession, id: string): Promise<ArticleRow[]> {
    return session.query<ArticleRow>(SELECT_EVENT_ARTICLES, [id]);
  }

  async feedPage(session: ReadSession, filters: FeedFilters, rows: number): Promise<EventRow[]> {
    return session.query<EventRow>(SELECT_FEED_PAGE, [...filterParameters(filters), rows]);
  }

  /** The window's in-window parameters: its end ($8, $9) and, up to WINDOW_IDS_MAX, its ids ($10). */
  async windowOf(session: ReadSession, filters: FeedFilters, size: number): Promise<FeedWindow> {
    await session.query(USE_ANY_INDEX);
    const parameters = [...filterParameters(filters), size];
    let end: FeedPosition | null;
    let ids: string[] | null = null;
    if (size <= WINDOW_IDS_MAX) {
      const positions = await session.query<FeedPosition>(SELECT_FEED_POSITIONS, parameters);
      end = positions.length === size ? positions[positions.length - 1] : null;
      ids = positions.map((position) => position.id);
    } else {
      [end = null] = await session.query<FeedPosition>(SELECT_WINDOW_END, parameters);
    }
    await session.query(USE_BITMAPS);
    return { end, parameters: [end?.sortAt ?? null, end?.id ?? null, ids] };
  }

  async searchInWindow(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    window: FeedWindow,
    rows: number,
  ): Promise<EventRow[]> {
    return session.query<EventRow>(SELECT_SEARCH_IN_WINDOW, [
      ...filterParameters(filters),
      rows,
      q,
      ...window.parameters,
    ]);
  }

  async searchByIndex(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    rows: number,
  ): Promise<EventRow[]> {
    return session.query<EventRow>(SELECT_SEARCH_BY_INDEX, [...filterParameters(filters), rows, q]);
  }

  async searchByFeed(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    rows: number,
  ): Promise<EventRow[]> {
    await session.query(USE_FEED_ORDER);
    return session.query<EventRow>(SELECT_SEARCH_BY_FEED, [...filterParameters(filters), rows, q]);
  }
}
