import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type ChannelModel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { syntheticArticle } from './support/synthetic-articles';
import { type StoredArticle, TestSystem, postJson, waitFor } from './support/test-system';

const seeds = join(__dirname, 'fixtures', 'seeds');
const seedFiles = [
  'kyiv-independent-naryshkin-ratcliffe.txt',
  'rt-kenya-star-naryshkin-ratcliffe.txt',
];

describe('pipeline: ingest → normalizer → store on the real broker and database', () => {
  let system: TestSystem;
  let broker: ChannelModel;

  beforeAll(async () => {
    system = await TestSystem.start();
    broker = await connect(system.infrastructure.amqpUrl);
  });

  afterAll(async () => {
    await broker?.close();
    await system?.stop();
  });

  async function postText(body: string, query = ''): Promise<string> {
    const response = await fetch(`${system.ingestUrl}/articles${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { id: string; status: string };
    expect(answer.status).toBe('accepted');
    return answer.id;
  }

  it('stores both seed dumps posted as text/plain', async () => {
    for (const file of seedFiles) {
      const id = await postText(readFileSync(join(seeds, file), 'utf8'), '?source=seed-test');
      const article = await system.processedArticle(id);
      expect(article).toMatchObject({ id, status: 'stored', source: 'seed-test' });
      expect(article.text?.length).toBeGreaterThan(500);
      expect(article.eventId).toEqual(expect.any(String));
    }
    // Both pages were counted into the source's template memory (per-source boilerplate learning),
    // which the normalizer writes in the background, just after the articles' outcomes.
    const templatePages = async () =>
      (
        await system.infrastructure.query<{ page_count: string }>(
          `SELECT page_count FROM source_templates WHERE source = 'seed-test'`,
        )
      ).map((row) => Number(row.page_count));
    await waitFor('both pages in the template memory', 10_000, async () =>
      (await templatePages()).some((count) => count >= 2),
    );
    expect(await templatePages()).toEqual([2]);
  });

  it('processes a batch of 200 whole, as JSON array and as NDJSON', async () => {
    const articles = Array.from({ length: 200 }, (_, index) =>
      syntheticArticle(index, 'batch-test'),
    );
    const arrayAnswer = await postJson(
      `${system.ingestUrl}/articles/batch`,
      articles.slice(0, 100),
    );
    const ndjsonAnswer = await fetch(`${system.ingestUrl}/articles/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: articles
        .slice(100)
        .map((article) => JSON.stringify(article))
        .join('\n'),
    });
    for (const answer of [arrayAnswer, ndjsonAnswer]) {
      expect(answer.status).toBe(202);
      const body = (await answer.json()) as { accepted: unknown[]; rejected: unknown[] };
      expect(body.accepted).toHaveLength(100);
      expect(body.rejected).toEqual([]);
    }
    const resolved = await Promise.all(
      articles.map((article) => system.processedArticle(article.id)),
    );
    expect(resolved.map((article) => article.id).sort()).toEqual(
      articles.map((article) => article.id).sort(),
    );
  });

  it('reports bad items of a batch by index and accepts the rest', async () => {
    const response = await postJson(`${system.ingestUrl}/articles/batch`, [
      syntheticArticle(1000),
      { title: 'no body' },
      { text: 42 },
    ]);
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      accepted: Array<{ index: number }>;
      rejected: Array<{ index: number; error: string }>;
    };
    expect(body.accepted.map((item) => item.index)).toEqual([0]);
    expect(body.rejected.map((item) => item.index)).toEqual([1, 2]);
    expect(body.rejected[1].error).toContain('text');
  });

  it('processes an article posted twice with the same client id once', async () => {
    const id = randomUUID();
    const article = {
      id,
      source: 'idempotency-test',
      text: 'The same article, posted twice by a retrying client.',
    };
    const first = await postJson(`${system.ingestUrl}/articles`, article);
    const second = await postJson(`${system.ingestUrl}/articles`, article);
    expect(await first.json()).toEqual({ id, status: 'accepted' });
    expect(await second.json()).toEqual({ id, status: 'accepted' });
    await system.processedArticle(id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const listed = (await (
      await fetch(`${system.storeUrl}/articles?source=idempotency-test`)
    ).json()) as {
      items: StoredArticle[];
    };
    expect(listed.items.map((item) => item.id)).toEqual([id]);
  });

  it('delivers plain-JSON article.normalized.v1 to a downstream consumer bound to newsflow.processed', async () => {
    const channel = await broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'newsflow.processed', 'article.*');
    const received: ConsumeMessage[] = [];
    await channel.consume(queue, (message) => message && received.push(message), { noAck: true });

    const correlationId = `downstream-${randomUUID()}`;
    const response = await fetch(`${system.ingestUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
      body: JSON.stringify(syntheticArticle(3000, 'downstream-test')),
    });
    const { id } = (await response.json()) as { id: string };
    await waitFor('the downstream message', 15_000, async () =>
      received.some((m) => m.properties.messageId === id),
    );
    const message = received.find((m) => m.properties.messageId === id) as ConsumeMessage;
    expect(message.properties).toMatchObject({
      type: 'article.normalized.v1',
      contentType: 'application/json',
      correlationId,
      deliveryMode: 2,
    });
    expect(message.properties.timestamp).toEqual(expect.any(Number));
    const body = JSON.parse(message.content.toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({
      id,
      eventId: expect.any(String),
      source: 'downstream-test',
    });
    expect(body).not.toHaveProperty('pattern');
    await channel.close();
  });

  it('parks an invalid message with its reason while a valid one behind it is processed', async () => {
    const channel = await broker.createConfirmChannel();
    const invalidId = randomUUID();
    channel.publish(
      'newsflow.raw',
      'article.received',
      Buffer.from(JSON.stringify({ id: invalidId, text: 5 })),
      {
        type: 'article.received.v1',
        messageId: invalidId,
        contentType: 'application/json',
        persistent: true,
      },
    );
    channel.publish('newsflow.raw', 'article.received', Buffer.from('{not json'), {
      type: 'article.received.v1',
      messageId: 'broken-json',
      persistent: true,
    });
    const validId = randomUUID();
    const valid = {
      id: validId,
      receivedAt: new Date().toISOString(),
      url: null,
      source: 'raw-publish',
      title: null,
      author: null,
      publishedAt: null,
      language: null,
      text: syntheticArticle(4000).text,
      html: null,
    };
    channel.publish('newsflow.raw', 'article.received', Buffer.from(JSON.stringify(valid)), {
      type: 'article.received.v1',
      messageId: validId,
      contentType: 'application/json',
      persistent: true,
    });
    await channel.waitForConfirms();
    expect((await system.processedArticle(validId)).status).toBe('stored');

    const parked: GetMessage[] = [];
    await waitFor('two parked messages', 15_000, async () => {
      const message = await channel.get('newsflow.normalizer.parked', { noAck: true });
      if (message) parked.push(message);
      return parked.length >= 2;
    });
    const reasons = Object.fromEntries(
      parked.map((m) => [
        String(m.properties.messageId),
        String(m.properties.headers?.['x-parked-reason']),
      ]),
    );
    expect(reasons[invalidId]).toMatch(/invalid article\.received\.v1: .*text/);
    expect(reasons['broken-json']).toMatch(/not valid JSON/);
    expect(parked[0].properties.headers?.['x-original-exchange']).toBe('newsflow.raw');
    await channel.close();
  });

  it('serves filtered, paged feeds with opaque cursors', async () => {
    const firstPage = (await (
      await fetch(`${system.storeUrl}/articles?source=batch-test&limit=50`)
    ).json()) as {
      items: StoredArticle[];
      nextCursor: string | null;
    };
    expect(firstPage.items).toHaveLength(50);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const seen = new Set(firstPage.items.map((item) => item.id));
    let cursor = firstPage.nextCursor;
    while (cursor) {
      const page = (await (
        await fetch(
          `${system.storeUrl}/articles?source=batch-test&limit=50&cursor=${encodeURIComponent(cursor)}`,
        )
      ).json()) as { items: StoredArticle[]; nextCursor: string | null };
      for (const item of page.items) seen.add(item.id);
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(200);

    const search = (await (
      await fetch(`${system.storeUrl}/articles?q=${encodeURIComponent('Naryshkin Ratcliffe')}`)
    ).json()) as {
      items: StoredArticle[];
    };
    expect(search.items.length).toBeGreaterThanOrEqual(2);
    const events = (await (await fetch(`${system.storeUrl}/events?q=Naryshkin`)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(events.items.length).toBeGreaterThanOrEqual(1);
    const event = (await (
      await fetch(`${system.storeUrl}/events/${events.items[0].id}`)
    ).json()) as {
      articles: StoredArticle[];
      articleCount: number;
    };
    expect(event.articles.length).toBeGreaterThanOrEqual(1);
  });

  it('answers bad store queries with 400 naming the field, unknown ids with 404', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'since=yesterday',
      'cursor=garbage',
      "source=x'%00",
    ]) {
      const response = await fetch(`${system.storeUrl}/articles?${query}`);
      expect(response.status).toBe(400);
    }
    expect((await fetch(`${system.storeUrl}/articles/not-a-uuid`)).status).toBe(400);
    expect((await fetch(`${system.storeUrl}/articles/${randomUUID()}`)).status).toBe(404);
    expect((await fetch(`${system.storeUrl}/events/${randomUUID()}`)).status).toBe(404);
  });

  it('serves the OpenAPI description of the store and ingest at /docs', async () => {
    const document = (await (await fetch(`${system.storeUrl}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths['/articles']).sort()).toEqual(['get', 'post']);
    expect(document.paths['/articles/batch']).toHaveProperty('post');
    expect(document.paths['/events/{id}']).toHaveProperty('get');
    expect((await fetch(`${system.storeUrl}/docs`)).status).toBe(200);
  });
});
