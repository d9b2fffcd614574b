import { Counter, Gauge, Histogram } from 'prom-client';

/**
 * Every newsflow metric, in one place so the names and labels stay consistent. Labels only ever
 * hold values from small fixed sets (route patterns, message types, queue names, categories):
 * never an id, a URL or free text, so the number of series stays bounded.
 */

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpRequestsTotal = new Counter({
  name: 'newsflow_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
});

export const httpRequestDurationSeconds = new Histogram({
  name: 'newsflow_http_request_duration_seconds',
  help: 'Time from request to response, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
});

export const messagesPublishedTotal = new Counter({
  name: 'newsflow_messages_published_total',
  help: 'Messages handed to the broker (retries and parking included), by message type',
  labelNames: ['type'] as const,
});

export const messagesConfirmedTotal = new Counter({
  name: 'newsflow_messages_confirmed_total',
  help: 'Published messages the broker confirmed it holds, by message type',
  labelNames: ['type'] as const,
});

export const messagesPublishFailedTotal = new Counter({
  name: 'newsflow_messages_publish_failed_total',
  help: 'Publishes the broker did not confirm, by message type and reason (unavailable, unroutable)',
  labelNames: ['type', 'reason'] as const,
});

const consumerLabels = ['type', 'queue'] as const;

export const messagesConsumedTotal = new Counter({
  name: 'newsflow_messages_consumed_total',
  help: 'Deliveries received, by message type and queue',
  labelNames: consumerLabels,
});

export const messagesAckedTotal = new Counter({
  name: 'newsflow_messages_acked_total',
  help: 'Deliveries handled and acknowledged, by message type and queue',
  labelNames: consumerLabels,
});

export const messagesRetriedTotal = new Counter({
  name: 'newsflow_messages_retried_total',
  help: 'Deliveries whose handler failed and that were sent to a retry queue, by message type and queue',
  labelNames: consumerLabels,
});

export const messagesParkedTotal = new Counter({
  name: 'newsflow_messages_parked_total',
  help: 'Deliveries moved to the parking queue, by message type and queue',
  labelNames: consumerLabels,
});

export const messagesRequeuedTotal = new Counter({
  name: 'newsflow_messages_requeued_total',
  help: 'Deliveries given back to the broker unsettled (broker lost mid-retry), by message type and queue',
  labelNames: consumerLabels,
});

export const messageHandlingDurationSeconds = new Histogram({
  name: 'newsflow_message_handling_duration_seconds',
  help: 'Time from delivery to settlement, by message type, queue and outcome',
  labelNames: ['type', 'queue', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

export const normalizerArticleDurationSeconds = new Histogram({
  name: 'newsflow_normalizer_article_duration_seconds',
  help: 'Normalizer time per article (cleaning, dedup, clustering, outcome publish), by outcome',
  labelNames: ['outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

export const articlesProcessedTotal = new Counter({
  name: 'newsflow_articles_processed_total',
  help: 'Articles decided for the first time by the normalizer, by outcome (stored, duplicate, rejected)',
  labelNames: ['outcome'] as const,
});

export const duplicatesTotal = new Counter({
  name: 'newsflow_duplicates_total',
  help: 'Articles found to be duplicates, by how (same-id, canonical-url, text-hash, near-duplicate)',
  labelNames: ['reason'] as const,
});

export const rejectionsTotal = new Counter({
  name: 'newsflow_rejections_total',
  help: 'Accepted input that held no article, by reason category',
  labelNames: ['reason'] as const,
});

export const cleaningTimeoutsTotal = new Counter({
  name: 'newsflow_normalizer_cleaning_timeouts_total',
  help: 'Articles whose cleaning ran past NORMALIZER_CLEANING_BUDGET_MS of CPU time or its wall-clock cap (the worker was replaced), by mode: page (then tried as its visible text) or visible-text (then rejected)',
  labelNames: ['mode'] as const,
});

export const eventsCreatedTotal = new Counter({
  name: 'newsflow_events_created_total',
  help: 'Events started by a new story',
});

export const eventsUpdatedTotal = new Counter({
  name: 'newsflow_events_updated_total',
  help: 'Event updates (a new article or source joined an existing event)',
});

export interface QueueSample {
  queue: string;
  messages: number;
  consumers: number;
}

let sampleQueues: (() => Promise<QueueSample[]>) | null = null;
let pendingSample: Promise<QueueSample[]> | null = null;

/** One broker round per scrape, shared by both queue gauges. */
function queueSample(): Promise<QueueSample[]> {
  if (!sampleQueues) return Promise.resolve([]);
  pendingSample ??= sampleQueues().finally(() => {
    setTimeout(() => (pendingSample = null), 500).unref();
  });
  return pendingSample;
}

export const queueMessages = new Gauge({
  name: 'newsflow_queue_messages',
  help: 'Messages ready in the queue, as the broker reports it on scrape',
  labelNames: ['queue'] as const,
  async collect() {
    this.reset();
    for (const sample of await queueSample()) this.set({ queue: sample.queue }, sample.messages);
  },
});

export const queueConsumers = new Gauge({
  name: 'newsflow_queue_consumers',
  help: 'Consumers attached to the queue, as the broker reports it on scrape',
  labelNames: ['queue'] as const,
  async collect() {
    this.reset();
    for (const sample of await queueSample()) this.set({ queue: sample.queue }, sample.consumers);
  },
});

/** The messaging layer says how to read its queues; the gauges ask on every scrape. */
export function observeBrokerQueues(sample: () => Promise<QueueSample[]>): void {
  sampleQueues = sample;
}

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  max: number;
}

let readPool: (() => PoolStats | undefined) | null = null;

export const dbPoolConnections = new Gauge({
  name: 'newsflow_db_pool_connections',
  help: 'Postgres pool connections by state (idle, in_use)',
  labelNames: ['state'] as const,
  collect() {
    const stats = readPool?.();
    if (!stats) return;
    this.set({ state: 'idle' }, stats.idleCount);
    this.set({ state: 'in_use' }, stats.totalCount - stats.idleCount);
  },
});

export const dbPoolMaxConnections = new Gauge({
  name: 'newsflow_db_pool_max_connections',
  help: 'Postgres pool size limit (DATABASE_POOL_SIZE)',
  collect() {
    const stats = readPool?.();
    if (stats) this.set(stats.max);
  },
});

export const dbPoolWaitingClients = new Gauge({
  name: 'newsflow_db_pool_waiting_clients',
  help: 'Queries waiting for a free Postgres connection',
  collect() {
    const stats = readPool?.();
    if (stats) this.set(stats.waitingCount);
  },
});

export function observePostgresPool(read: () => PoolStats | undefined): void {
  readPool = read;
}
