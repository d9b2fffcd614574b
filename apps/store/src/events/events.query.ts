import { Injectable, NotFoundException } from '@nestjs/common';
import { toArticleView } from '../articles/article.view';
import { ArticlesRepository } from '../articles/articles.repository';
import { SearchPlanner } from '../articles/search-planner';
import { ReadPools } from '../reads/read-pools';
import type { FeedFilters } from '../shared/feed-filters';
import { type FeedPosition, type ListQuery, type Page, pageOf } from '../shared/list-query';
import { type EventDetailView, type EventView, toEventView } from './event.view';
import { type EventRow, EventsRepository } from './events.repository';

@Injectable()
export class EventsQuery {
  constructor(
    private readonly pools: ReadPools,
    private readonly events: EventsRepository,
    private readonly articles: ArticlesRepository,
    private readonly planner: SearchPlanner,
  ) {}

  async get(id: string, signal?: AbortSignal): Promise<EventDetailView> {
    const found = await this.pools.withSession('reads', signal, async (session) => {
      const event = await this.events.byId(session, id);
      return event ? { event, articles: await this.events.articlesOf(session, id) } : null;
    });
    if (!found) throw new NotFoundException({ error: `event ${id} is unknown` });
    return { ...toEventView(found.event), articles: found.articles.map(toArticleView) };
  }

  /** `q` finds the events that hold an article matching the full-text query. */
  async list(
    query: ListQuery & { after: FeedPosition | null },
    signal?: AbortSignal,
  ): Promise<Page<EventView>> {
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
            this.events.feedPage(session, filters, rows),
          )
        : await this.pools.withSession('searches', signal, (session) =>
            this.articles.inSearchTransaction(session, async (): Promise<EventRow[]> => {
              const plan = await this.planner.planFor(session, q);
              if (plan === 'none') return [];
              return plan === 'index'
                ? this.events.searchByIndex(session, q, filters, rows)
                : this.events.searchByFeed(session, q, filters, rows);
            }),
          );
    const page = pageOf(found, query.limit, (row) => ({ sortAt: row.sortAt, id: row.id }));
    return { items: page.items.map(toEventView), nextCursor: page.nextCursor };
  }
}
