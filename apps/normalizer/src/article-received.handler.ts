import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ArticleReceivedV1 } from '@newsflow/contracts';
import { AmqpContext, KeepErrorFilter } from '@newsflow/messaging';
import { NormalizerService } from './normalizer.service';

/** The payload is already validated against its contract by the transport. */
@Controller()
@UseFilters(KeepErrorFilter)
export class ArticleReceivedHandler {
  constructor(private readonly normalizer: NormalizerService) {}

  @EventPattern('article.received.v1')
  handle(@Payload() article: ArticleReceivedV1, @Ctx() context: AmqpContext): Promise<void> {
    return this.normalizer.handleArticleReceived(article, context.correlationId);
  }
}
