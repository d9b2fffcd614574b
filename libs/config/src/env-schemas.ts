import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

const amqpUrl = z
  .url({ protocol: /^amqps?$/, error: 'must be an amqp:// or amqps:// URL' })
  .default('amqp://guest:guest@127.0.0.1:5672');
const databaseUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
  .default('postgres://postgres@127.0.0.1:5432/newsflow');
const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** Settings every service shares (defaults of docs/contract.md). */
export const sharedEnvSchema = z.object({
  AMQP_URL: amqpUrl,
  LOG_LEVEL: logLevel,
  /** Delay before each retry of a failed message; after the last one it is parked. */
  AMQP_RETRY_DELAYS_MS: z
    .string()
    .default('1000,5000,30000')
    .transform((list) => list.split(',').map((delay) => Number(delay.trim())))
    .pipe(z.array(z.number().int().min(0).max(86_400_000)).min(1).max(20)),
  /** How long SIGTERM waits for in-flight work before giving up. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 600_000),
});

export const ingestEnvSchema = sharedEnvSchema.extend({
  INGEST_PORT: port(3000),
  INGEST_API_KEYS: z
    .string()
    .default('')
    .transform((keys) =>
      keys
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key.length > 0),
    ),
  INGEST_MAX_BODY_BYTES: positiveInt(2 * 1024 * 1024, 1024 * 1024 * 1024),
  INGEST_MAX_BATCH_BYTES: positiveInt(16 * 1024 * 1024, 1024 * 1024 * 1024),
  /** Publishes awaiting the broker's confirm at once; RabbitMQ advises 100–300. */
  AMQP_CONFIRM_WINDOW: positiveInt(256, 10_000),
  /** Requests per second per API key (or client address without keys); 0 = no rate limit. */
  INGEST_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(0),
  /** Requests a client may send at once before the rate applies; 0 = one second's worth. */
  INGEST_RATE_LIMIT_BURST: z.coerce.number().int().min(0).max(10_000_000).default(0),
  /** A request body must arrive within this time, else 408 (slow uploads hold no socket for long). */
  INGEST_BODY_TIMEOUT_MS: positiveInt(30_000, 3_600_000),
  /** Node's headersTimeout / requestTimeout for the whole request line, headers and body. */
  INGEST_REQUEST_TIMEOUT_MS: positiveInt(60_000, 3_600_000),
});
export type IngestConfig = z.infer<typeof ingestEnvSchema>;

export const normalizerEnvSchema = sharedEnvSchema.extend({
  NORMALIZER_PORT: port(3001),
  DATABASE_URL: databaseUrl,
  /** Kept small: it bounds the articles in memory and a decision batch (docs/decisions/normalizer-memory.md). */
  AMQP_PREFETCH: positiveInt(16, 10_000),
  AMQP_CONFIRM_WINDOW: positiveInt(256, 10_000),
  DATABASE_POOL_SIZE: positiveInt(10, 1000),
  /**
   * Worker threads that clean articles, so the main thread's awaits (decision queries, publisher
   * confirms) do not queue behind cleaning. At least 1: the cleaning budget is enforced by
   * terminating a worker, which the main thread could not do to itself.
   */
  NORMALIZER_CLEANING_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  /**
   * CPU time of its worker thread one article may spend cleaning (with a wall-clock cap of 10×
   * this); past it the worker is replaced and the article retried once as its visible text, then
   * rejected (`processing-timeout`).
   */
  NORMALIZER_CLEANING_BUDGET_MS: positiveInt(2000, 600_000),
  /**
   * The decision memory holds events changed in the last EVENT_WINDOW_DAYS (an article joins only
   * an event within ±30 days of its date) and the near-duplicate index of articles decided in the
   * last DEDUP_WINDOW_DAYS; exact duplicates are caught at any age.
   */
  EVENT_WINDOW_DAYS: positiveInt(45, 3650),
  DEDUP_WINDOW_DAYS: positiveInt(30, 3650),
  /**
   * `on`: every 8 decisions within a batch and after its last, the recent events they touched are
   * re-clustered, and merges and moves are published (docs/decisions/event-refinement.md); `off`: the online pass alone.
   */
  EVENT_REFINEMENT: z.enum(['on', 'off']).default('on'),
});
export type NormalizerConfig = z.infer<typeof normalizerEnvSchema>;

export const storeEnvSchema = sharedEnvSchema.extend({
  STORE_PORT: port(3002),
  DATABASE_URL: databaseUrl,
  AMQP_PREFETCH: positiveInt(128, 10_000),
  DATABASE_POOL_SIZE: positiveInt(10, 1000),
  /** Processed-feed messages written in one transaction (and acked after it); capped at AMQP_PREFETCH. */
  STORE_BATCH_SIZE: positiveInt(100, 10_000),
  /**
   * How long a batch waits for more messages after its first one when no batch is being written
   * (while one is, the next gathers until it commits); 0 = only those already there.
   */
  STORE_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(2),
  /**
   * Longest a read statement may run; past it the request is answered 503 with Retry-After. The
   * bounded plans answer in milliseconds: only a pathological query (or an overloaded database) gets here.
   */
  STORE_STATEMENT_TIMEOUT_MS: positiveInt(3_000, 600_000),
  /** Connections for `/articles/:id`, `/events/:id` and feed pages without `q`. */
  STORE_READ_POOL_SIZE: positiveInt(6, 1000),
  /**
   * Connections for `?q=` searches, apart from every other read, so searches never take the
   * connections id look-ups and `/health/*` need; a search waits at most the statement timeout for one.
   */
  STORE_SEARCH_POOL_SIZE: positiveInt(8, 1000),
});
export type StoreConfig = z.infer<typeof storeEnvSchema>;
