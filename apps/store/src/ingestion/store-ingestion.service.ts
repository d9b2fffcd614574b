import { Injectable } from '@nestjs/common';
import type {
  ArticleDuplicateV1,
  ArticleNormalizedV1,
  ArticleRejectedV1,
  EventSnapshot,
} from '@newsflow/contracts';
import { plainText } from '../shared/plain-text';
import { ProcessedFeedRepository } from './processed-feed.repository';

/** Turns each processed-feed message into its row; resolving means the row is committed. */
@Injectable()
export class StoreIngestionService {
  constructor(private readonly repository: ProcessedFeedRepository) {}

  handleArticleNormalized(article: ArticleNormalizedV1, correlationId: string): Promise<void> {
    return this.repository.saveArticle({
      ...article,
      title: plainText(article.title),
      text: plainText(article.text),
      status: 'stored',
      duplicateOf: null,
      reason: null,
      correlationId,
    });
  }

  handleArticleDuplicate(article: ArticleDuplicateV1, correlationId: string): Promise<void> {
    return this.repository.saveArticle({
      ...article,
      title: plainText(article.title),
      text: plainText(article.text),
      status: 'duplicate',
      reason: null,
      correlationId,
    });
  }

  handleArticleRejected(article: ArticleRejectedV1, correlationId: string): Promise<void> {
    return this.repository.saveArticle({
      ...article,
      status: 'rejected',
      duplicateOf: null,
      eventId: null,
      text: null,
      correlationId,
    });
  }

  handleEventChanged(event: EventSnapshot): Promise<void> {
    return this.repository.saveEvent(event);
  }
}
