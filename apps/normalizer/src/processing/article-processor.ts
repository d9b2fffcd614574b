import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';

/**
 * The normalizer's one step: an accepted article in, the messages that describe its outcome out
 * (normalized + event created/updated, duplicate, or rejected). Implementations must be
 * idempotent per article id: a redelivered article yields the same outcome again.
 */
export abstract class ArticleProcessor {
  abstract process(article: ArticleReceivedV1, processedAt: Date): Promise<OutgoingMessage[]>;
}
