import { Injectable, NotFoundException } from '@nestjs/common';
import { toArticleView } from '../articles/article.view';
import { FeedReader } from '../reads/feed-reader';
import { ReadPools } from '../reads/read-pools';
import type { FeedPosition, ListQuery, Page } from '../shared/list-query';
import {
  type EventDetailView,
  type EventView,
  type MergedEventView,
  toEventView,
} from './event.view';
import { EventsRepository } from './events.repository';

export type EventAnswer =
  { kind: 'live'; body: EventDetailView } | { kind: 'merged'; body: MergedEventView };

@Injectable()
export class EventsQuery {
  constructor(
    private readonly pools: ReadPools,
    private readonly events: EventsRepository,
    private readonly feeds: FeedReader,
  ) {}

  /** The event with its articles, or where a merged event lives on. */
  async get(id: string, signal?: AbortSignal): Promise<EventAnswer> {
    const found = await this.pools.withSession('reads', signal, async (session) => {
      const lookup = await this.events.byId(session, id);
      if (lookup?.kind !== 'live') return lookup;
      return { ...lookup, articles: await this.events.articlesOf(session, id) };
    });
    if (!found) throw new NotFoundException({ error: `event ${id} is unknown` });
    if (found.kind === 'merged') {
      return { kind: 'merged', body: { id: found.id, mergedInto: found.survivorId } };
    }
    return {
      kind: 'live',
      body: { ...toEventView(found.event), articles: found.articles.map(toArticleView) },
    };
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
