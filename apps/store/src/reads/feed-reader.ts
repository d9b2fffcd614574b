import { Injectable } from '@nestjs/common';
import { ArticlesRepository } from '../articles/articles.repository';
import { SearchPlanner } from '../articles/search-planner';
import type { FeedFilters } from '../shared/feed-filters';
import { type FeedPosition, type ListQuery, type Page, pageOf } from '../shared/list-query';
import { ReadPools, type ReadSession } from './read-pools';

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
}

/**
 * One page of a feed: a plain page on the reads pool, a search on the searches pool in one
 * transaction, by the plan its match count calls for (searches always match articles' text).
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
    const found =
      q === undefined
        ? await this.pools.withSession('reads', signal, (session) =>
            source.feedPage(session, filters, rows),
          )
        : await this.pools.withSession('searches', signal, (session) =>
            this.articles.inSearchTransaction(session, async (): Promise<Row[]> => {
              const plan = await this.planner.planFor(session, q);
              if (plan === 'none') return [];
              return plan === 'index'
                ? source.searchByIndex(session, q, filters, rows)
                : source.searchByFeed(session, q, filters, rows);
            }),
          );
    return pageOf(found, query.limit, (row) => ({ sortAt: row.sortAt, id: row.id }));
  }
}
