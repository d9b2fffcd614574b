import { randomUUID } from 'node:crypto';
import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';

/**
 * Until real cleaning lands: trims, collapses whitespace inside lines, keeps paragraph breaks,
 * takes the first non-empty line as title when none was given, and opens one event per article.
 */
export function placeholderNormalize(
  article: ArticleReceivedV1,
  processedAt: Date,
): OutgoingMessage[] {
  const source = article.text ?? stripTags(article.html ?? '');
  const lines = source
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
  const base = {
    id: article.id,
    url: article.url,
    canonicalUrl: article.url,
    source: article.source,
    title: article.title ?? lines[0] ?? null,
    author: article.author,
    publishedAt: null,
    language: article.language,
    receivedAt: article.receivedAt,
    processedAt: processedAt.toISOString(),
  };
  if (lines.length === 0) {
    return [
      { name: 'article.rejected.v1', payload: { ...base, reason: 'the page holds no text' } },
    ];
  }
  const eventId = randomUUID();
  return [
    { name: 'article.normalized.v1', payload: { ...base, eventId, text: lines.join('\n\n') } },
    {
      name: 'event.created.v1',
      payload: {
        id: eventId,
        title: base.title,
        articleCount: 1,
        sources: article.source ? [article.source] : [],
        firstPublishedAt: null,
        lastPublishedAt: null,
        version: 1,
        updatedAt: base.processedAt,
      },
    },
  ];
}

function stripTags(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, '\n')
    .replace(/&nbsp;/g, ' ');
}
