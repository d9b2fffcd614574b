import { Injectable } from '@nestjs/common';
import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';
import { AmqpPublisher } from '@newsflow/messaging';
import { normalizerArticleDurationSeconds } from '@newsflow/observability';
import { ArticleProcessor } from './processing/article-processor';
import { outcomeOf } from './processing/decision-metrics';

@Injectable()
export class NormalizerService {
  constructor(
    private readonly processor: ArticleProcessor,
    private readonly publisher: AmqpPublisher,
  ) {}

  /** Resolves once every outcome message is confirmed by the broker; only then is the input acked. */
  async handleArticleReceived(article: ArticleReceivedV1, correlationId: string): Promise<void> {
    const stopTimer = normalizerArticleDurationSeconds.startTimer();
    const messages = await this.processor.process(article, new Date());
    await this.publisher.publishAll(
      messages.map((message) => ({
        message,
        meta: { messageId: messageIdOf(message, article.id), correlationId },
      })),
    );
    stopTimer({ outcome: outcomeOf(messages) });
  }
}

/**
 * Article outcomes carry the article id; a move `<articleId>:<version>`; event messages
 * `<eventId>:<version>`: each revision its own id, so a consumer can dedupe on it.
 */
function messageIdOf(message: OutgoingMessage, articleId: string): string {
  switch (message.name) {
    case 'event.created.v1':
    case 'event.updated.v1':
      return `${message.payload.id}:${message.payload.version}`;
    case 'event.merged.v1':
      return `${message.payload.eventId}:${message.payload.version}`;
    case 'article.moved.v1':
      return `${message.payload.articleId}:${message.payload.version}`;
    default:
      return articleId;
  }
}
