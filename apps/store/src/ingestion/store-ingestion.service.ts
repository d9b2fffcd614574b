import { Injectable } from '@nestjs/common';
import type {
  ArticleDuplicateV1,
  ArticleNormalizedV1,
  ArticleMovedV1,
  ArticleRejectedV1,
  EventMergedV1,
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

  /** Counts, sources and titles follow from the snapshots the normalizer sends with each move. */
  handleArticleMoved(move: ArticleMovedV1): Promise<void> {
    return this.batcher.saveMove({
      articleId: move.articleId,
      eventId: move.toEventId,
      version: move.version,
      movedAt: move.movedAt,
    });
  }

  /** The absorbed event's articles move with their own `article.moved.v1`. */
  handleEventMerged(merge: EventMergedV1): Promise<void> {
    return this.batcher.saveMerge({
      eventId: merge.eventId,
      mergedInto: merge.mergedInto,
      version: merge.version,
      mergedAt: merge.mergedAt,
    });
  }
}
