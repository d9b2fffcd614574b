import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ArticleEntity, EventEntity } from '@newsflow/database';
import type { DataSource } from 'typeorm';
import { toArticleView } from '../articles/article.view';
import { type FeedPosition, type ListQuery, type Page, pageOf } from '../shared/list-query';
import { type EventDetailView, type EventView, toEventView } from './event.view';

@Injectable()
export class EventsQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(id: string): Promise<EventDetailView> {
    const event = await this.dataSource.getRepository(EventEntity).findOneBy({ id });
    if (!event) throw new NotFoundException({ error: `event ${id} is unknown` });
    const articles = await this.dataSource
      .getRepository(ArticleEntity)
      .find({ where: { eventId: id }, order: { sortAt: 'ASC', id: 'ASC' }, take: 1000 });
    return { ...toEventView(event), articles: articles.map(toArticleView) };
  }

  /** `q` finds the events that hold an article matching the full-text query. */
  async list(query: ListQuery & { after: FeedPosition | null }): Promise<Page<EventView>> {
    const builder = this.dataSource
      .getRepository(EventEntity)
      .createQueryBuilder('e')
      .orderBy('e.sort_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(query.limit + 1);
    if (query.source !== undefined)
      builder.andWhere(':source = ANY(e.sources)', { source: query.source });
    if (query.since !== undefined) builder.andWhere('e.sort_at >= :since', { since: query.since });
    if (query.until !== undefined) builder.andWhere('e.sort_at < :until', { until: query.until });
    if (query.q !== undefined) {
      builder.andWhere(
        `e.id IN (SELECT a.event_id FROM articles a WHERE a.search @@ websearch_to_tsquery('simple', :q))`,
        { q: query.q },
      );
    }
    if (query.after) {
      builder.andWhere('(e.sort_at, e.id) < (:afterSortAt, :afterId)', {
        afterSortAt: query.after.sortAt,
        afterId: query.after.id,
      });
    }
    const page = pageOf(await builder.getMany(), query.limit, (row) => ({
      sortAt: row.sortAt,
      id: row.id,
    }));
    return { items: page.items.map(toEventView), nextCursor: page.nextCursor };
  }
}
