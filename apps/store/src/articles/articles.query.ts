import { Injectable, NotFoundException } from '@nestjs/common';
import { ReadPools } from '../reads/read-pools';
import { FeedReader } from '../reads/feed-reader';
import type { FeedPosition, ListQuery, Page } from '../shared/list-query';
import { type ArticleView, toArticleView } from './article.view';
import { ArticlesRepository } from './articles.repository';

@Injectable()
export class ArticlesQuery {
  constructor(
    private readonly pools: ReadPools,
    private readonly articles: ArticlesRepository,
    private readonly feeds: FeedReader,
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
    const page = await this.feeds.page(this.articles, query, signal);
    return { items: page.items.map(toArticleView), nextCursor: page.nextCursor };
  }
}
