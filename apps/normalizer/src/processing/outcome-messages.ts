import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';
import type { CleanedArticle } from '@newsflow/text-processing';
import type { EventChange } from './ports';

/** What the outcome messages need of the received article: never its raw text or HTML. */
export type ArticleHead = Pick<
  ArticleReceivedV1,
  'id' | 'url' | 'source' | 'title' | 'author' | 'language' | 'receivedAt'
>;

export function articleHead(article: ArticleReceivedV1): ArticleHead {
  return {
    id: article.id,
    url: article.url,
    source: article.source,
    title: article.title,
    author: article.author,
    language: article.language,
    receivedAt: article.receivedAt,
  };
}

export function rejectedMessages(
  article: ArticleHead,
  reason: string,
  processedAt: Date,
): OutgoingMessage[] {
  return [
    {
      name: 'article.rejected.v1',
      payload: {
        id: article.id,
        url: article.url,
        canonicalUrl: null,
        source: article.source,
        title: article.title,
        author: article.author,
        publishedAt: null,
        language: article.language,
        receivedAt: article.receivedAt,
        processedAt: processedAt.toISOString(),
        reason,
      },
    },
  ];
}

function articleFields(article: ArticleHead, cleaned: CleanedArticle, processedAt: Date) {
  return {
    id: article.id,
    url: cleaned.url,
    canonicalUrl: cleaned.canonicalUrl,
    source: cleaned.source,
    title: cleaned.title,
    author: cleaned.author,
    publishedAt: cleaned.publishedAt,
    language: cleaned.language,
    receivedAt: article.receivedAt,
    processedAt: processedAt.toISOString(),
    text: cleaned.text,
  };
}

export function uniqueArticleMessages(
  article: ArticleHead,
  cleaned: CleanedArticle,
  eventId: string,
  eventChange: EventChange | undefined,
  processedAt: Date,
): OutgoingMessage[] {
  return [
    {
      name: 'article.normalized.v1',
      payload: { ...articleFields(article, cleaned, processedAt), eventId },
    },
    ...eventMessages(eventChange, processedAt),
  ];
}

export function duplicateArticleMessages(
  article: ArticleHead,
  cleaned: CleanedArticle,
  duplicateOf: string,
  eventId: string,
  eventChange: EventChange | undefined,
  processedAt: Date,
): OutgoingMessage[] {
  return [
    {
      name: 'article.duplicate.v1',
      payload: { ...articleFields(article, cleaned, processedAt), duplicateOf, eventId },
    },
    ...eventMessages(eventChange, processedAt),
  ];
}

export function eventMessages(
  change: EventChange | undefined,
  processedAt: Date,
): OutgoingMessage[] {
  if (!change) return [];
  const payload = {
    id: change.event.id,
    title: change.event.title,
    articleCount: change.event.articleCount,
    sources: [...change.event.sources],
    firstPublishedAt: change.event.firstPublishedAt,
    lastPublishedAt: change.event.lastPublishedAt,
    version: change.version,
    updatedAt: processedAt.toISOString(),
  };
  return [
    change.created ? { name: 'event.created.v1', payload } : { name: 'event.updated.v1', payload },
  ];
}
