import type { ImportItem } from './sources';

export interface SenderOptions {
  ingestUrl: string;
  apiKey?: string;
  batchSize: number;
  maxBatchBytes: number;
  concurrency: number;
  /** Attempts per batch beyond the first, for 503, 429 and network errors. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  correlationId: string;
  /** Test seam: how to wait (real timers by default). */
  sleep?: (ms: number) => Promise<void>;
}

export interface ItemResult {
  item: ImportItem;
  /** accepted: the broker holds it; rejected: ingest says it is not an article; failed: not sent. */
  outcome: 'accepted' | 'rejected' | 'failed';
  reason?: string;
}

interface BatchAnswer {
  accepted: Array<{ index: number; id: string }>;
  rejected: Array<{ index: number; error: string }>;
}

/** Ingest's words for an item the broker did not take: the same id may be sent again. */
const TRANSIENT_REJECTION = /^not accepted, retry with id/;

/**
 * Sends items to POST /articles/batch as NDJSON, `concurrency` batches at a time. 503 and 429
 * wait (Retry-After when given, else exponential backoff with jitter) and retry the same batch;
 * 413 splits it; a 401/403 stops the run, as every further batch would get the same answer.
 */
export class BatchSender {
  private aborted: string | null = null;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly options: SenderOptions,
    private readonly onResults: (results: ItemResult[]) => void,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async sendAll(items: readonly ImportItem[]): Promise<void> {
    const batches = splitIntoBatches(items, this.options.batchSize, this.options.maxBatchBytes);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next];
        next += 1;
        await this.sendBatch(batch, 0);
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
  }

  private async sendBatch(batch: ImportItem[], attempt: number): Promise<void> {
    if (this.aborted !== null) {
      this.onResults(
        batch.map((item) => ({ item, outcome: 'failed', reason: this.aborted ?? '' })),
      );
      return;
    }
    let response: Response;
    try {
      response = await fetch(`${this.options.ingestUrl}/articles/batch`, {
        method: 'POST',
        headers: this.headers(),
        body: batch.map((item) => JSON.stringify(item.body)).join('\n'),
      });
    } catch (error) {
      return this.retryOrFail(batch, attempt, `cannot reach ingest: ${causeOf(error)}`, null);
    }
    if (response.status === 202) return this.settle(batch, attempt, response);
    const text = await response.text().catch(() => '');
    const reason = `HTTP ${response.status}${text ? `: ${errorTextOf(text)}` : ''}`;
    if (response.status === 503 || response.status === 429) {
      return this.retryOrFail(batch, attempt, reason, response.headers.get('retry-after'));
    }
    if (response.status === 413 && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await this.sendBatch(batch.slice(0, half), attempt);
      await this.sendBatch(batch.slice(half), attempt);
      return;
    }
    if (response.status === 401 || response.status === 403) this.aborted = reason;
    const outcome = response.status === 400 || response.status === 413 ? 'rejected' : 'failed';
    this.onResults(batch.map((item) => ({ item, outcome, reason })));
  }

  private async settle(batch: ImportItem[], attempt: number, response: Response): Promise<void> {
    const answer = (await response.json()) as BatchAnswer;
    const results: ItemResult[] = [];
    const again: ImportItem[] = [];
    for (const { index } of answer.accepted)
      results.push({ item: batch[index], outcome: 'accepted' });
    for (const { index, error } of answer.rejected) {
      if (TRANSIENT_REJECTION.test(error)) again.push(batch[index]);
      else results.push({ item: batch[index], outcome: 'rejected', reason: error });
    }
    this.onResults(results);
    if (again.length > 0) {
      await this.retryOrFail(again, attempt, 'the broker did not confirm them', null);
    }
  }

  private async retryOrFail(
    batch: ImportItem[],
    attempt: number,
    reason: string,
    retryAfter: string | null,
  ): Promise<void> {
    if (attempt >= this.options.maxRetries) {
      this.onResults(
        batch.map((item) => ({
          item,
          outcome: 'failed',
          reason: `${reason} (gave up after ${attempt + 1} attempts)`,
        })),
      );
      return;
    }
    await this.sleep(
      retryDelayMs(attempt, retryAfter, this.options.baseDelayMs, this.options.maxDelayMs),
    );
    await this.sendBatch(batch, attempt + 1);
  }

  private headers(): Record<string, string> {
    return {
      'content-type': 'application/x-ndjson',
      'x-correlation-id': this.options.correlationId,
      ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
    };
  }
}

/** Batches of at most `size` items and about `maxBytes` of NDJSON; an oversized item goes alone. */
export function splitIntoBatches(
  items: readonly ImportItem[],
  size: number,
  maxBytes: number,
): ImportItem[][] {
  const batches: ImportItem[][] = [];
  let current: ImportItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item.body)) + 1;
    if (current.length > 0 && (current.length >= size || bytes + itemBytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The server's Retry-After (seconds or an HTTP date) when it gave one, else exponential backoff
 * with full jitter, so many clients retrying at once do not come back in step.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const told = parseRetryAfterMs(retryAfter);
  if (told !== null) return Math.min(told, maxDelayMs);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function parseRetryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function errorTextOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const message = parsed.message ?? parsed.error;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.map(String).join('; ');
  } catch {
    /* not JSON: the text itself */
  }
  return body.slice(0, 200);
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}
