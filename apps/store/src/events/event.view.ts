import type { EventEntity } from '@newsflow/database';
import type { ArticleView } from '../articles/article.view';

export interface EventView {
  id: string;
  title: string | null;
  articleCount: number;
  sources: string[];
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
  updatedAt: string;
}

export interface EventDetailView extends EventView {
  articles: ArticleView[];
}

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
