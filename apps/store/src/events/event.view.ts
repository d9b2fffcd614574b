import type { EventEntity } from '@newsflow/database';
import type { EventView } from '../views/api-views';

export type { EventDetailView, EventView } from '../views/api-views';

export function toEventView(row: EventEntity): EventView {
  return {
    id: row.id,
    title: row.title,
    articleCount: row.articleCount,
    sources: row.sources,
    firstPublishedAt: row.firstPublishedAt?.toISOString() ?? null,
    lastPublishedAt: row.lastPublishedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
