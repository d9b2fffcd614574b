import type { ArticleRow } from './articles.repository';
import type { ArticleView } from '../views/api-views';

export type { ArticleView };

export function toArticleView(row: ArticleRow): ArticleView {
  return {
    id: row.id,
    status: row.status,
    duplicateOf: row.duplicateOf,
    eventId: row.eventId,
    reason: row.reason,
    url: row.url,
    canonicalUrl: row.canonicalUrl,
    source: row.source,
    title: row.title,
    author: row.author,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    language: row.language,
    text: row.text,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt.toISOString(),
  };
}
