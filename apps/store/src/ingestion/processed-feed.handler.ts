import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type {
  ArticleDuplicateV1,
  ArticleMovedV1,
  ArticleNormalizedV1,
  ArticleRejectedV1,
  EventCreatedV1,
  EventMergedV1,
  EventUpdatedV1,
} from '@newsflow/contracts';
import { AmqpContext, KeepErrorFilter } from '@newsflow/messaging';
import { type MessageOrigin, StoreIngestionService } from './store-ingestion.service';

/** Payloads are already validated against their contracts by the transport. */
@Controller()
@UseFilters(KeepErrorFilter)
export class ProcessedFeedHandler {
  constructor(private readonly ingestion: StoreIngestionService) {}

  @EventPattern('article.normalized.v1')
  normalized(@Payload() article: ArticleNormalizedV1, @Ctx() context: AmqpContext): Promise<void> {
    return this.ingestion.handleArticleNormalized(article, originOf(context));
  }

  @EventPattern('article.duplicate.v1')
  duplicate(@Payload() article: ArticleDuplicateV1, @Ctx() context: AmqpContext): Promise<void> {
    return this.ingestion.handleArticleDuplicate(article, originOf(context));
  }

  @EventPattern('article.rejected.v1')
  rejected(@Payload() article: ArticleRejectedV1, @Ctx() context: AmqpContext): Promise<void> {
    return this.ingestion.handleArticleRejected(article, originOf(context));
  }

  @EventPattern('event.created.v1')
  created(@Payload() event: EventCreatedV1): Promise<void> {
    return this.ingestion.handleEventChanged(event);
  }

  @EventPattern('event.updated.v1')
  updated(@Payload() event: EventUpdatedV1): Promise<void> {
    return this.ingestion.handleEventChanged(event);
  }

  @EventPattern('article.moved.v1')
  moved(@Payload() move: ArticleMovedV1): Promise<void> {
    return this.ingestion.handleArticleMoved(move);
  }

  @EventPattern('event.merged.v1')
  merged(@Payload() merge: EventMergedV1): Promise<void> {
    return this.ingestion.handleEventMerged(merge);
  }
}

function originOf(context: AmqpContext): MessageOrigin {
  return { correlationId: context.correlationId, traceId: context.traceId };
}
