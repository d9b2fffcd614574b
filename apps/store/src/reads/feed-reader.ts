import { Injectable } from '@nestjs/common';
import { ArticlesRepository } from '../articles/articles.repository';
import { SearchPlanner } from '../articles/search-planner';
import type { FeedFilters } from '../shared/feed-filters';
import {
  encodeCursor,
  type FeedPosition,
  type ListQuery,
  type Page,
  pageOf,
} from '../shared/list-query';
import { ReadPools, type ReadSession } from './read-pools';
import {
  feedPositions,
  phraseCandidates,
  phraseMatches,
  type PhraseStatements,
} from './phrase-search';
import { type FeedWindow, type PlannedSearch, windowSize } from './search-plan';

/** A newest-first feed (articles or events): its plain page and its search by either plan. */
export interface FeedSource<Row extends FeedPosition> {
  feedPage(session: ReadSession, filters: FeedFilters, rows: number): Promise<Row[]>;
  searchByIndex(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    rows: number,
  ): Promise<Row[]>;
  searchByFeed(session: ReadSession, q: string, filters: FeedFilters, rows: number): Promise<Row[]>;
  readonly feed: 'articles' | 'events';
  /** The window of `size` rows down the feed from the cursor. */
  windowOf(session: ReadSession, filters: FeedFilters, size: number): Promise<FeedWindow>;
  /** The newest `rows` matches from the cursor to the window's end. */
  searchInWindow(
    session: ReadSession,
    q: string,
    filters: FeedFilters,
    window: FeedWindow,
    rows: number,
  ): Promise<Row[]>;
  /** How many candidates one page of a phrase search tests. */
  readonly phraseBudget: number;
  /** The feed's statements for a phrase search, run by the helpers of phrase-search.ts. */
  readonly phrase: PhraseStatements;
}

/** A search's rows, and where a phrase search stopped testing when its budget ran out. */
export interface Found<Row> {
  rows: Row[];
  testedUpTo: FeedPosition | null;
}

/**
 * One page of a feed: a plain page on the reads pool, a search on the searches pool in one
 * transaction, by the plan its match count calls for (searches always match articles' text). A
 * phrase page tests at most the source's budget of candidates: it may hold fewer rows than asked,
 * none even, and still carry a cursor, after the last candidate it tested.
 */
@Injectable()
export class FeedReader {
  constructor(
    private readonly pools: ReadPools,
    private readonly articles: ArticlesRepository,
    private readonly planner: SearchPlanner,
  ) {}

  async page<Row extends FeedPosition>(
    source: FeedSource<Row>,
    query: ListQuery & { after: FeedPosition | null },
    signal?: AbortSignal,
  ): Promise<Page<Row>> {
    const filters: FeedFilters = {
      source: query.source,
      since: query.since,
      until: query.until,
      after: query.after,
    };
    const rows = query.limit + 1;
    const q = query.q;
    const found: Found<Row> =
      q === undefined
        ? {
            rows: await this.pools.withSession('reads', signal, (session) =>
              source.feedPage(session, filters, rows),
            ),
            testedUpTo: null,
          }
        : await this.pools.withSession('searches', signal, (session) =>
            this.articles.inSearchTransaction(session, async () =>
              this.search(
                session,
                source,
                q,
                await this.planner.planFor(session, q),
                filters,
                rows,
              ),
            ),
          );
    const page = pageOf(found.rows, query.limit, (row) => ({ sortAt: row.sortAt, id: row.id }));
    // A phrase page that ran out of its budget goes on after the last candidate it tested.
    return page.nextCursor === null && found.testedUpTo !== null
      ? { items: page.items, nextCursor: encodeCursor(found.testedUpTo) }
      : page;
  }

  /**
   * Windows of the feed from the cursor, each twice as long as the last, until a page is found
   * or the feed ends: each window holds the page twice over if the matches are spread evenly.
   */
  private async searchByWindows<Row extends FeedPosition>(
    session: ReadSession,
    source: FeedSource<Row>,
    q: string,
    planned: PlannedSearch,
    filters: FeedFilters,
    rows: number,
  ): Promise<Row[]> {
    const found: Row[] = [];
    let after = filters.after;
    let size = windowSize(rows, planned.stored[source.feed], planned.matches);
    for (;;) {
      const window = { ...filters, after };
      const stretch = await source.windowOf(session, window, size);
      found.push(
        ...(await source.searchInWindow(session, q, window, stretch, rows - found.length)),
      );
      if (found.length >= rows || stretch.end === null) return found;
      after = stretch.end;
      size *= 2;
    }
  }

  /** A search by a plan, inside `ArticlesRepository.inSearchTransaction`. */
  async search<Row extends FeedPosition>(
    session: ReadSession,
    source: FeedSource<Row>,
    q: string,
    planned: PlannedSearch,
    filters: FeedFilters,
    rows: number,
  ): Promise<Found<Row>> {
    const { plan, phraseCandidates: candidates } = planned;
    if (plan === 'none') return { rows: [], testedUpTo: null };
    if (candidates === null) {
      const found =
        plan === 'index'
          ? await source.searchByIndex(session, q, filters, rows)
          : plan === 'window'
            ? await this.searchByWindows(session, source, q, planned, filters, rows)
            : await source.searchByFeed(session, q, filters, rows);
      return { rows: found, testedUpTo: null };
    }
    return this.searchPhrase(session, source, q, planned, candidates, filters, rows);
  }

  /**
   * A phrase: at most the source's budget of candidates tested, newest first. Common words: the
   * next positions of the feed, whatever they hold. Otherwise the candidates (the phrase's words
   * ANDed) from the GIN index: all of them under the index cap, else from windows of the feed,
   * the first expected to hold twice the page's candidates, the next one twice as long while the
   * budget is not spent and the page not full.
   */
  private async searchPhrase<Row extends FeedPosition>(
    session: ReadSession,
    source: FeedSource<Row>,
    q: string,
    planned: PlannedSearch,
    candidates: string,
    filters: FeedFilters,
    rows: number,
  ): Promise<Found<Row>> {
    const budget = source.phraseBudget;
    const statements = source.phrase;
    if (planned.plan === 'feed') {
      const tested = await feedPositions(session, statements, filters, budget);
      if (tested.length === 0) return { rows: [], testedUpTo: null };
      const ids = tested.map((position) => position.id);
      return {
        rows: await phraseMatches<Row>(session, statements, ids, q, rows),
        testedUpTo: tested.length === budget ? tested[tested.length - 1] : null,
      };
    }
    const found: Row[] = [];
    let tested = 0;
    let after = filters.after;
    // A first window expected to hold twice the page's candidates (at most the budget) once:
    // most candidates of a phrase's words hold the phrase, and a longer window's bitmap costs
    // more than the next window's round trip.
    let size =
      planned.plan === 'window'
        ? windowSize(Math.min(budget, 2 * rows), planned.stored[source.feed], 2 * planned.matches)
        : null;
    for (;;) {
      const window = { ...filters, after };
      const stretch = size === null ? undefined : await source.windowOf(session, window, size);
      const positions = await phraseCandidates(
        session,
        statements,
        candidates,
        window,
        stretch,
        budget - tested,
      );
      tested += positions.length;
      if (positions.length > 0) {
        const ids = positions.map((position) => position.id);
        found.push(...(await phraseMatches<Row>(session, statements, ids, q, rows - found.length)));
      }
      if (found.length >= rows) return { rows: found, testedUpTo: null };
      if (tested >= budget) return { rows: found, testedUpTo: positions[positions.length - 1] };
      if (stretch === undefined || stretch.end === null || size === null)
        return { rows: found, testedUpTo: null };
      after = stretch.end;
      size *= 2;
    }
  }
}
