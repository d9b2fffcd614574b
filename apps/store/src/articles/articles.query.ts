import { Injectable, NotFoundException } from '@nestjs/common';
import { ReadPools } from '../reads/read-pools';
import type { FeedFilters } from '../shared/feed-filters';
import { type ListQuery, type FeedPosition, type Page, pageOf } from '../shared/list-query';
import { type ArticleView, toArticleView } from './article.view';
import { type ArticleRow, ArticlesRepository } from './articles.repository';
import { SearchPlanner } from './search-planner';

@Injectable()
export class ArticlesQuery {
  constructor(
    private readonly pools: ReadPools,
    private readonly articles: ArticlesRepository,
    private readonly planner: SearchPlanner,
  ) {}

  async get(id: string, signal?: AbortSignal): Promise<ArticleView> {
    const row = await this.pools.withSession('reads', signal, (session) =>
      this.articles.byId(session, id),
    );
    if (!row)
      throw new NotFoundException({ error: `article ${id} is not processed yet, or unknown` });
    return toArticleView(row);
  }

  /** Newest first; a search on its own connections, by the plan its match count calls for. */
  async list(
    query: ListQuery & { after: FeedPosition | null },
    signal?: AbortSignal,
  ): Promise<Page<ArticleView>> {
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
            this.articles.feedPage(session, filters, rows),
          )
        : await this.pools.withSession('searches', signal, (session) =>
            this.articles.inSearchTransaction(session, async (): Promise<ArticleRow[]> => {
              const plan = await this.planner.planFor(session, q);
              if (plan === 'none') return [];
              return plan === 'index'
                ? this.articles.searchByIndex(session, q, filters, rows)
                : this.articles.searchByFeed(session, q, filters, rows);
            }),
          );
    const page = pageOf(found, query.limit, (row) => ({ sortAt: row.sortAt, id: row.id }));
    return { items: page.items.map(toArticleView), nextCursor: page.nextCursor };
  }
}
