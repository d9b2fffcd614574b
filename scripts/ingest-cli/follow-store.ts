import { ProgressBar } from './progress';

export interface FollowOptions {
  storeUrl: string;
  timeoutMs: number;
  concurrency: number;
  pollIntervalMs: number;
  progress: boolean;
}

export interface FollowReport {
  stored: number;
  duplicate: number;
  rejected: number;
  /** Processed articles per rejection reason. */
  rejectedReasons: Record<string, number>;
  /** Distinct events the stored and duplicate articles belong to. */
  events: number;
  /** Still not processed when the wait ran out. */
  pending: string[];
}

interface StoredArticle {
  status: 'stored' | 'duplicate' | 'rejected';
  eventId: string | null;
  reason: string | null;
}

/** Polls the store for each id until it is processed (200) or the time is up. */
export async function followArticles(
  ids: readonly string[],
  options: FollowOptions,
): Promise<FollowReport> {
  const report: FollowReport = {
    stored: 0,
    duplicate: 0,
    rejected: 0,
    rejectedReasons: {},
    events: 0,
    pending: [],
  };
  const events = new Set<string>();
  const progress = new ProgressBar({
    label: 'processing',
    total: ids.length,
    enabled: options.progress,
  });
  let waiting = [...new Set(ids)];
  const deadline = Date.now() + options.timeoutMs;
  while (waiting.length > 0 && Date.now() < deadline) {
    const stillWaiting: string[] = [];
    await forEachConcurrently(waiting, options.concurrency, async (id) => {
      const article = await fetchArticle(options.storeUrl, id);
      if (!article) {
        stillWaiting.push(id);
        return;
      }
      report[article.status] += 1;
      if (article.status === 'rejected') {
        const reason = article.reason ?? 'unknown';
        report.rejectedReasons[reason] = (report.rejectedReasons[reason] ?? 0) + 1;
      }
      if (article.eventId) events.add(article.eventId);
      progress.advance(1);
    });
    waiting = stillWaiting;
    if (waiting.length > 0)
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
  }
  progress.finish();
  report.events = events.size;
  report.pending = waiting;
  return report;
}

async function fetchArticle(storeUrl: string, id: string): Promise<StoredArticle | null> {
  try {
    const response = await fetch(`${storeUrl}/articles/${encodeURIComponent(id)}`);
    if (response.status !== 200) return null;
    return (await response.json()) as StoredArticle;
  } catch {
    return null; // the store restarting is no reason to stop following
  }
}

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
