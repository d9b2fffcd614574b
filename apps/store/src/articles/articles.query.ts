import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ArticleEntity } from '@newsflow/database';
import type { DataSource } from 'typeorm';
import { type ListQuery, type FeedPosition, type Page, pageOf } from '../shared/list-query';
import { type ArticleView, toArticleView } from './article.view';

@Injectable()
export class ArticlesQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(id: string): Promise<ArticleView> {
    const row = await this.dataSource.getRepository(ArticleEntity).findOneBy({ id });
    if (!row)
      throw new NotFoundException({ error: `article ${id} is not processed yet, or unknown` });
    return toArticleView(row);
  }

  /** Newest first; every filter is a bound parameter, the order is served by (sort_at, id) indexes. */
  async list(query: ListQuery & { after: FeedPosition | null }): Promise<Page<ArticleView>> {
    const builder = this.dataSource
      .getRepository(ArticleEntity)
      .createQueryBuilder('a')
      .orderBy('a.sort_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(query.limit + 1);
    if (query.source !== undefined)
      builder.andWhere('a.source = :source', { source: query.source });
    if (query.since !== undefined) builder.andWhere('a.sort_at >= :since', { since: query.since });
    if (query.until !== undefined) builder.andWhere('a.sort_at < :until', { until: query.until });
    if (query.q !== undefined)
      builder.andWhere(`a.search @@ websearch_to_tsquery('simple', :q)`, { q: query.q });
    if (query.after) {
      builder.andWhere('(a.sort_at, a.id) < (:afterSortAt, :afterId)', {
        afterSortAt: query.after.sortAt,
        afterId: query.after.id,
      });
    }
    const page = pageOf(await builder.getMany(), query.limit, (row) => ({
      sortAt: row.sortAt,
      id: row.id,
    }));
    return { items: page.items.map(toArticleView), nextCursor: page.nextCursor };
  }
}
