import { Injectable } from '@nestjs/common';
import type {
  ArticleDuplicateV1,
  ArticleNormalizedV1,
  ArticleRejectedV1,
  EventSnapshot,
} from '@newsflow/contracts';
import { plainText } from '../shared/plain-text';
import { ProcessedFeedRepository } from './processed-feed.repository';

/** Where a message came from: the request that caused it, and its trace. */
export interface MessageOrigin {
  correlationId: string;
  traceId: string | null;
}

/** Turns each processed-feed message into its row; resolving means the row is committed. */
@Injectable()
export class StoreIngestionService {
  constructor(private readonly repository: ProcessedFeedRepository) {}

  handleArticleNormalized(article: ArticleNormalizedV1, origin: MessageOrigin): Promise<void> {
    return this.repository.saveArticle({
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
    return this.repository.saveArticle({
      ...article,
      title: plainText(article.title),
      text: plainText(article.text),
      status: 'duplicate',
      reason: null,
      ...origin,
    });
  }

  handleArticleRejected(article: ArticleRejectedV1, origin: MessageOrigin): Promise<void> {
    return this.repository.saveArticle({
      ...article,
      status: 'rejected',
      duplicateOf: null,
      eventId: null,
      text: null,
      ...origin,
    });
  }

  handleEventChanged(event: EventSnapshot): Promise<void> {
    return this.repository.saveEvent(event);
  }
}
