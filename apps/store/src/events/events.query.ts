import { Injectable, NotFoundException } from '@nestjs/common';
import { toArticleView } from '../articles/article.view';
import { FeedReader } from '../reads/feed-reader';
import { ReadPools } from '../reads/read-pools';
import type { FeedPosition, ListQuery, Page } from '../shared/list-query';
import { type EventDetailView, type EventView, toEventView } from './event.view';
import { EventsRepository } from './events.repository';

@Injectable()
export class EventsQuery {
  constructor(
    private readonly pools: ReadPools,
    private readonly events: EventsRepository,
    private readonly feeds: FeedReader,
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
    const page = await this.feeds.page(this.events, query, signal);
    return { items: page.items.map(toEventView), nextCursor: page.nextCursor };
  }
}
