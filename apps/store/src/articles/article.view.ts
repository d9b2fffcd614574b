import type { ArticleEntity, ArticleStatus } from '@newsflow/database';

/** An article as GET /articles/:id serves it (SPEC.md). */
export interface ArticleView {
  id: string;
  status: ArticleStatus;
  duplicateOf: string | null;
  eventId: string | null;
  reason: string | null;
  url: string | null;
  canonicalUrl: string | null;
  source: string | null;
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  language: string | null;
  text: string | null;
  receivedAt: string;
  processedAt: string;
}

export function toArticleView(row: ArticleEntity): ArticleView {
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
