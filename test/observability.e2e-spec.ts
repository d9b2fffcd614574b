import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { syntheticArticle } from './support/synthetic-articles';
import { ARTIFACTS, type ServiceName, TestSystem, postJson, waitFor } from './support/test-system';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the sample lines only. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]] = label[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

const ID_LIKE = /[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{16,}|:\/\//i;

describe('observability: metrics on every service, W3C trace context through every hop', () => {
  let system: TestSystem;
  let broker: ChannelModel;
  const tapped: ConsumeMessage[] = [];
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  const traceparent = `00-${traceId}-${clientSpanId}-01`;
  let tracedId: string;
  let ingestAnswerHeaders: Headers;

  async function metricsOf(service: ServiceName): Promise<Sample[]> {
    const response = await fetch(`${system.service(service).url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseMetrics(await response.text());
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    broker = await connect(system.infrastructure.amqpUrl);
    const channel = await broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'newsflow.raw', '#');
    await channel.bindQueue(queue, 'newsflow.processed', '#');
    await channel.consume(queue, (message) => message && tapped.push(message), { noAck: true });

    const traced = syntheticArticle(9_001, 'trace-test');
    const answer = await postJson(`${system.ingestUrl}/articles`, traced, { traceparent });
    expect(answer.status).toBe(202);
    ingestAnswerHeaders = answer.headers;
    tracedId = traced.id;

    // A story, a copy of it (duplicate by text), another story, and a page with no article.
    const batch = [
      syntheticArticle(9_002, 'metrics-test'),
      { ...syntheticArticle(9_002, 'metrics-copy') },
      syntheticArticle(9_003, 'metrics-test'),
      { id: syntheticArticle(0).id, source: 'metrics-test', text: 'Home | News | Sport' },
    ];
    const batchAnswer = await postJson(`${system.ingestUrl}/articles/batch`, batch);
    expect(batchAnswer.status).toBe(202);
    for (const article of [traced, ...batch]) await system.processedArticle(article.id);
    await fetch(`${system.storeUrl}/articles/${tracedId}`);
  });

  afterAll(async () => {
    await broker?.close();
    await system?.stop();
  });

  it('stores the trace id of the request with the article', async () => {
    const rows = await system.infrastructure.query<{ trace_id: string | null }>(
      'SELECT trace_id FROM articles WHERE id = $1',
      [tracedId],
    );
    expect(rows).toEqual([{ trace_id: traceId }]);
    expect(ingestAnswerHeaders.get('traceresponse')).toMatch(
      new RegExp(`^00-${traceId}-[\\da-f]{16}-01$`),
    );
  });

  it('carries the trace in the headers of every message it caused, bodies untouched', async () => {
    await waitFor('the normalized message', 10_000, () =>
      Promise.resolve(
        tapped.some(
          (message) =>
            message.properties.type === 'article.normalized.v1' &&
            message.properties.messageId === tracedId,
        ),
      ),
    );
    const ofTrace = tapped.filter((message) =>
      String(message.properties.headers?.traceparent).includes(traceId),
    );
    const received = ofTrace.find((message) => message.properties.type === 'article.received.v1');
    const normalized = ofTrace.find(
      (message) => message.properties.type === 'article.normalized.v1',
    );
    expect(received?.properties.messageId).toBe(tracedId);
    expect(normalized?.properties.messageId).toBe(tracedId);
    const spanOf = (message: ConsumeMessage | undefined) =>
      String(message?.properties.headers?.traceparent).split('-')[2];
    // Each hop is a span of its own under the client's.
    expect(spanOf(received)).not.toBe(clientSpanId);
    expect(spanOf(normalized)).not.toBe(spanOf(received));
    // Every message on both exchanges, event messages included, belongs to some trace.
    for (const message of tapped) {
      expect(String(message.properties.headers?.traceparent)).toMatch(
        /^00-[\da-f]{32}-[\da-f]{16}-0[01]$/,
      );
    }
    const body = JSON.parse(normalized?.content.toString() ?? '{}') as Record<string, unknown>;
    expect(Object.keys(body)).not.toContain('traceparent');
    expect(Object.keys(body)).not.toContain('traceId');
  });

  it('puts the trace and span on the log lines of the request and of the message', () => {
    const logs = readdirSync(ARTIFACTS)
      .filter((file) => file.startsWith(system.infrastructure.suffix))
      .map((file) => readFileSync(join(ARTIFACTS, file), 'utf8'))
      .join('\n');
    const traced = logs
      .split('\n')
      .filter((line) => line.includes(traceId))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(traced.length).toBeGreaterThan(0);
    for (const line of traced) {
      expect(line.traceId).toBe(traceId);
      expect(line.spanId).toMatch(/^[\da-f]{16}$/);
    }
    expect(new Set(traced.map((line) => line.service))).toContain('ingest');
  });

  it('ingest counts requests by route and status, and publishes and confirms by type', async () => {
    const metrics = await metricsOf('ingest');
    const received = { type: 'article.received.v1' };
    expect(
      total(metrics, 'newsflow_http_requests_total', { route: '/articles', status: '202' }),
    ).toBe(1);
    expect(
      total(metrics, 'newsflow_http_requests_total', { route: '/articles/batch', status: '202' }),
    ).toBe(1);
    expect(
      total(metrics, 'newsflow_http_request_duration_seconds_count', { route: '/articles' }),
    ).toBe(1);
    expect(total(metrics, 'newsflow_messages_published_total', received)).toBe(5);
    expect(total(metrics, 'newsflow_messages_confirmed_total', received)).toBe(5);
    expect(total(metrics, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(total(metrics, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('the normalizer counts deliveries, outcomes, duplicates, rejections and events', async () => {
    const metrics = await metricsOf('normalizer');
    const delivery = { type: 'article.received.v1', queue: 'newsflow.normalizer' };
    expect(total(metrics, 'newsflow_messages_consumed_total', delivery)).toBe(5);
    expect(total(metrics, 'newsflow_messages_acked_total', delivery)).toBe(5);
    expect(total(metrics, 'newsflow_message_handling_duration_seconds_count', delivery)).toBe(5);
    expect(total(metrics, 'newsflow_normalizer_article_duration_seconds_count')).toBe(5);
    expect(total(metrics, 'newsflow_articles_processed_total', { outcome: 'stored' })).toBe(3);
    expect(total(metrics, 'newsflow_duplicates_total', { reason: 'text-hash' })).toBe(1);
    expect(total(metrics, 'newsflow_rejections_total', { reason: 'no-article-text' })).toBe(1);
    expect(total(metrics, 'newsflow_events_created_total')).toBeGreaterThanOrEqual(1);
    expect(
      total(metrics, 'newsflow_messages_confirmed_total', { type: 'article.normalized.v1' }),
    ).toBe(3);
    expect(total(metrics, 'newsflow_queue_consumers', { queue: 'newsflow.normalizer' })).toBe(1);
    expect(metrics.some((sample) => sample.labels.queue === 'newsflow.normalizer.parked')).toBe(
      true,
    );
    expect(metrics.some((sample) => sample.name === 'newsflow_queue_messages')).toBe(true);
    expect(total(metrics, 'newsflow_db_pool_max_connections')).toBeGreaterThan(0);
    expect(metrics.some((sample) => sample.name === 'newsflow_db_pool_connections')).toBe(true);
  });

  it('the store counts deliveries by type and queue, and reads routes as patterns', async () => {
    const metrics = await metricsOf('store');
    const store = { queue: 'newsflow.store' };
    expect(
      total(metrics, 'newsflow_messages_acked_total', { ...store, type: 'article.normalized.v1' }),
    ).toBe(3);
    expect(
      total(metrics, 'newsflow_messages_acked_total', { ...store, type: 'article.duplicate.v1' }),
    ).toBe(1);
    expect(
      total(metrics, 'newsflow_messages_acked_total', { ...store, type: 'article.rejected.v1' }),
    ).toBe(1);
    expect(
      total(metrics, 'newsflow_message_handling_duration_seconds_count', store),
    ).toBeGreaterThan(0);
    expect(
      total(metrics, 'newsflow_http_requests_total', { route: '/articles/:id', status: '200' }),
    ).toBeGreaterThan(0);
    expect(total(metrics, 'newsflow_queue_consumers', store)).toBe(1);
    expect(total(metrics, 'newsflow_db_pool_max_connections')).toBeGreaterThan(0);
  });

  it('keeps every label free of ids and URLs', async () => {
    await fetch(`${system.storeUrl}/no/such/${tracedId}`);
    for (const service of ['ingest', 'normalizer', 'store'] as const) {
      const metrics = await metricsOf(service);
      for (const sample of metrics) {
        for (const value of Object.values(sample.labels)) {
          expect({ service, name: sample.name, value, idLike: ID_LIKE.test(value) }).toMatchObject({
            idLike: false,
          });
        }
      }
      if (service === 'store') {
        expect(total(metrics, 'newsflow_http_requests_total', { route: 'unmatched' })).toBe(1);
      }
    }
  });
});
