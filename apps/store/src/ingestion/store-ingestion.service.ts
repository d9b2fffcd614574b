import { Injectable } from '@nestjs/common';
import type {
  ArticleDuplicateV1,
  ArticleNormalizedV1,
  ArticleRejectedV1,
  EventSnapshot,
} from '@newsflow/contracts';
import { plainText } from '../shared/plain-text';
import { WriteBatcher } from './write-batcher';

/** Where a message came from: the request that caused it, and its trace. */
export interface MessageOrigin {
  correlationId: string;
  traceId: string | null;
}

/**
 * Turns each processed-feed message into its row and hands it to the batcher; resolving means
 * the row is committed (with the rest of its batch).
 */
@Injectable()
export class StoreIngestionService {
  constructor(private readonly batcher: WriteBatcher) {}

  handleArticleNormalized(article: ArticleNormalizedV1, origin: MessageOrigin): Promise<void> {
    return this.batcher.saveArticle({
      ...article,
      title: plainText(article.title),
      text: plainText(article.text),
      status: 'stored',
      duplicateOf: null,
      reason: null,
      ...origin,
    });
  }

  handleArticleDuplicate(article: ArticleDuplicateV1, origin: MessageOrigin): Promise<void> {
    return this.batcher.saveArticle({
      ...article,
      title: plainText(article.title),
      text: plainText(article.text),
      status: 'duplicate',
      reason: null,
      ...origin,
    });
  }

  handleArticleRejected(article: ArticleRejectedV1, origin: MessageOrigin): Promise<void> {
    return this.batcher.saveArticle({
      ...article,
      status: 'rejected',
      duplicateOf: null,
      eventId: null,
      text: null,
      ...origin,
    });
  }

  handleEventChanged(event: EventSnapshot): Promise<void> {
    return this.batcher.saveEvent(event);
  }
}
