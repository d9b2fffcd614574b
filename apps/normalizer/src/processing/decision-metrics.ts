import type { OutgoingMessage } from '@newsflow/contracts';
import {
  articlesProcessedTotal,
  duplicatesTotal,
  eventsCreatedTotal,
  eventsUpdatedTotal,
  rejectionsTotal,
} from '@newsflow/observability';
import type { DuplicateReason } from '@newsflow/text-processing';

export type ArticleOutcome = 'stored' | 'duplicate' | 'rejected';

/** The article's outcome as its first outgoing message tells it. */
export function outcomeOf(messages: readonly OutgoingMessage[]): ArticleOutcome {
  for (const message of messages) {
    if (message.name === 'article.normalized.v1') return 'stored';
    if (message.name === 'article.duplicate.v1') return 'duplicate';
    if (message.name === 'article.rejected.v1') return 'rejected';
  }
  return 'rejected';
}

/** Counted once per article, when decided: a redelivery replays the outcome without counting. */
export function recordDecision(
  messages: readonly OutgoingMessage[],
  detail: { duplicateReason?: DuplicateReason; rejectionReason?: string },
): void {
  const outcome = outcomeOf(messages);
  articlesProcessedTotal.inc({ outcome });
  if (outcome === 'duplicate' && detail.duplicateReason) {
    duplicatesTotal.inc({ reason: detail.duplicateReason });
  }
  if (outcome === 'rejected') {
    rejectionsTotal.inc({ reason: rejectionCategoryOf(detail.rejectionReason ?? '') });
  }
  for (const message of messages) {
    if (message.name === 'event.created.v1') eventsCreatedTotal.inc();
    if (message.name === 'event.updated.v1') eventsUpdatedTotal.inc();
  }
}

/** Cleaning's reasons are sentences that may quote the page; a metric label needs a fixed set. */
export function rejectionCategoryOf(reason: string): string {
  const text = reason.toLowerCase();
  if (text.startsWith('empty body')) return 'empty-body';
  if (text.startsWith('binary')) return 'binary-body';
  if (text.startsWith('error page')) return 'error-page';
  if (text.startsWith('no article text')) return 'no-article-text';
  if (text.startsWith('processing-timeout')) return 'processing-timeout';
  return 'other';
}
