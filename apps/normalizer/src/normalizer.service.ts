import { Injectable } from '@nestjs/common';
import type { ArticleReceivedV1 } from '@newsflow/contracts';
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

/** Article messages carry the article id; event messages their event id and version. */
function messageIdOf(
  message: { name: string; payload: { id: string; version?: number } },
  articleId: string,
): string {
  return message.name.startsWith('event.')
    ? `${message.payload.id}:${message.payload.version ?? 0}`
    : articleId;
}
