import type { EventRow } from './events.repository';
import type { EventView } from '../views/api-views';

export type { EventDetailView, EventView, MergedEventView } from '../views/api-views';

export function toEventView(row: EventRow): EventView {
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
