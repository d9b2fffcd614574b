import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ArticleReceivedV1 } from '@newsflow/contracts';
import { AmqpPublisher } from '@newsflow/messaging';
import type { ArticleInput } from '@newsflow/contracts';
import type { BatchItem } from './parse-article-request';

export interface BatchAnswer {
  accepted: Array<{ index: number; id: string }>;
  rejected: Array<{ index: number; error: string }>;
}

/** Turns validated input into `article.received.v1` and answers only once the broker holds it. */
@Injectable()
export class ArticleIntakeService {
  constructor(private readonly publisher: AmqpPublisher) {}

  async acceptOne(input: ArticleInput, correlationId: string): Promise<{ id: string }> {
    const article = toReceivedMessage(input, new Date());
    await this.publisher.publish(
      { name: 'article.received.v1', payload: article },
      { messageId: article.id, correlationId },
    );
    return { id: article.id };
  }

  /**
   * Publishes every valid item with one wait for all confirms. An item the broker did not confirm
   * is reported as rejected with the reason, so the client can retry it with the same id.
   */
  async acceptBatch(items: BatchItem[], correlationId: string): Promise<BatchAnswer> {
    const receivedAt = new Date();
    const answer: BatchAnswer = { accepted: [], rejected: [] };
    const outgoing: Array<{ index: number; article: ArticleReceivedV1 }> = [];
    for (const item of items) {
      if (item.ok)
        outgoing.push({ index: item.index, article: toReceivedMessage(item.article, receivedAt) });
      else answer.rejected.push({ index: item.index, error: item.error });
    }
    const results = await Promise.allSettled(
      outgoing.map(({ article }) =>
        this.publisher.publish(
          { name: 'article.received.v1', payload: article },
          { messageId: article.id, correlationId },
        ),
      ),
    );
    const failures = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (outgoing.length > 0 && failures.length === outgoing.length) {
      // Nothing got through: answer 503 as for a single article rather than a 202 holding nothing.
      throw failures[0].reason;
    }
    results.forEach((result, position) => {
      const { index, article } = outgoing[position];
      if (result.status === 'fulfilled') answer.accepted.push({ index, id: article.id });
      else
        answer.rejected.push({
          index,
          error: `not accepted, retry with id ${article.id}: ${String(result.reason)}`,
        });
    });
    answer.rejected.sort((a, b) => a.index - b.index);
    return answer;
  }
}

export function toReceivedMessage(input: ArticleInput, receivedAt: Date): ArticleReceivedV1 {
  return {
    id: input.id ?? randomUUID(),
    receivedAt: receivedAt.toISOString(),
    url: input.url ?? null,
    source: input.source ?? null,
    title: input.title ?? null,
    author: input.author ?? null,
    publishedAt: input.publishedAt ?? null,
    language: input.language ?? null,
    text: input.text ?? null,
    html: input.html ?? null,
  };
}
