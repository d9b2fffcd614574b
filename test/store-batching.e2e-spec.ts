import { randomUUID } from 'node:crypto';
import { type ChannelModel, type ConfirmChannel, type GetMessage, connect } from 'amqplib';
import { TestSystem, waitFor } from './support/test-system';

/**
 * The store writes processed-feed messages in batches (one transaction per batch, acked after
 * it): what a reader of its API must not be able to tell, and what a bad message must not spoil.
 */
describe('store: batched writes of the processed feed (store alone on a real broker and database)', () => {
  let system: TestSystem;
  let broker: ChannelModel;
  let channel: ConfirmChannel;

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['store'] });
    broker = await connect(system.infrastructure.amqpUrl);
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await broker?.close();
    await system?.stop();
  });

  function publish(type: string, body: Record<string, unknown>): void {
    const routingKey = type.replace(/\.v\d+$/, '');
    channel.publish('newsflow.processed', routingKey, Buffer.from(JSON.stringify(body)), {
      type,
      messageId: String(body.id),
      contentType: 'application/json',
      persistent: true,
    });
  }

  function normalized(id: string, eventId: string, index: number): Record<string, unknown> {
    const at = new Date(Date.UTC(2026, 10, 24, 8, 0, index)).toISOString();
    return {
      id,
      eventId,
      url: `https://batch.example/${index}`,
      canonicalUrl: null,
      source: 'batch-burst',
      title: `Burst article ${index}`,
      author: null,
      publishedAt: at,
      language: 'en',
      text: `Burst article number ${index}. `.repeat(20),
      receivedAt: at,
      processedAt: at,
    };
  }

  function snapshot(id: string, version: number): Record<string, unknown> {
    return {
      id,
      title: `Event at version ${version}`,
      articleCount: version,
      sources: [`outlet-${version}`, 'batch-burst'],
      firstPublishedAt: '2026-11-24T08:00:00.000Z',
      lastPublishedAt: new Date(Date.UTC(2026, 10, 24, 9, version)).toISOString(),
      version,
      updatedAt: new Date(Date.UTC(2026, 10, 24, 9, version)).toISOString(),
    };
  }

  it('stores a burst of 400 articles (a quarter of them delivered twice) each exactly once, and keeps the newest snapshot of each event', async () => {
    const eventIds = [randomUUID(), randomUUID(), randomUUID()];
    const articleIds = Array.from({ length: 400 }, () => randomUUID());
    // Snapshots of each event in shuffled versions, interleaved with the articles.
    const versions = [3, 1, 7, 2, 6, 4, 5];
    articleIds.forEach((id, index) => {
      publish('article.normalized.v1', normalized(id, eventIds[index % 3], index));
      if (index % 4 === 0) publish('article.normalized.v1', normalized(id, eventIds[0], index));
      if (index % 20 === 0) {
        const version = versions[(index / 20) % versions.length];
        for (const eventId of eventIds) publish('event.updated.v1', snapshot(eventId, version));
      }
    });
    await channel.waitForConfirms();

    await waitFor('all 400 articles', 60_000, async () => {
      const [{ count }] = await system.infrastructure.query<{ count: string }>(
        `SELECT count(*) FROM articles WHERE source = 'batch-burst'`,
      );
      return Number(count) === 400;
    });
    // Each one served, exactly once, as first delivered (the redelivery changed nothing).
    const rows = await system.infrastructure.query<{ id: string; event_id: string }>(
      `SELECT id, event_id FROM articles WHERE id = ANY($1::uuid[])`,
      [articleIds],
    );
    expect(rows).toHaveLength(400);
    const byId = new Map(rows.map((row) => [row.id, row.event_id]));
    articleIds.forEach((id, index) => expect(byId.get(id)).toBe(eventIds[index % 3]));
    for (const id of articleIds.filter((_, index) => index % 50 === 0)) {
      const response = await fetch(`${system.storeUrl}/articles/${id}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id, status: 'stored', source: 'batch-burst' });
    }
    // The whole feed of that source: 400 distinct articles over the paged API.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await fetch(
        `${system.storeUrl}/articles?source=batch-burst&limit=100${query}`,
      );
      expect(response.status).toBe(200);
      const page = (await response.json()) as {
        items: Array<{ id: string }>;
        nextCursor: string | null;
      };
      for (const item of page.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(400);

    for (const eventId of eventIds) {
      const response = await fetch(`${system.storeUrl}/events/${eventId}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        id: eventId,
        articleCount: 7,
        title: 'Event at version 7',
        sources: ['outlet-7', 'batch-burst'],
      });
    }
  });

  it('stores the rest of a batch when one message in it cannot be written, and parks only that one', async () => {
    const eventId = randomUUID();
    const good = Array.from({ length: 30 }, () => randomUUID());
    const badId = randomUUID();
    good.forEach((id, index) => {
      publish('article.normalized.v1', {
        ...normalized(id, eventId, index),
        source: 'batch-poison',
      });
      // Postgres refuses a NUL character in text: this one fails however often it is tried.
      if (index === 15) {
        publish('article.normalized.v1', {
          ...normalized(badId, eventId, index),
          source: 'batch-poison\u0000',
        });
      }
    });
    await channel.waitForConfirms();

    await waitFor('the 30 good articles', 30_000, async () => {
      const [{ count }] = await system.infrastructure.query<{ count: string }>(
        `SELECT count(*) FROM articles WHERE source = 'batch-poison'`,
      );
      return Number(count) === 30;
    });
    let parked: GetMessage | false = false;
    await waitFor('the bad one parked', 30_000, async () => {
      parked = await channel.get('newsflow.store.parked', { noAck: true });
      return parked !== false;
    });
    const message = parked as unknown as GetMessage;
    expect(message.properties.messageId).toBe(badId);
    expect(String(message.properties.headers?.['x-parked-reason'])).toMatch(
      /handler failed after 3 attempts/,
    );
    expect((await fetch(`${system.storeUrl}/articles/${badId}`)).status).toBe(404);
  });

  it('writes what it holds before it exits on SIGTERM', async () => {
    const store = await system.startService('store', {
      // A batch would wait far longer than the drain allows: only the shutdown flush writes it.
      STORE_BATCH_WAIT_MS: '10000',
      STORE_BATCH_SIZE: '1000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    // The first store stops consuming, so the new one holds every message.
    expect(await system.service('store').stop()).toBe(0);
    const eventId = randomUUID();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    ids.forEach((id, index) =>
      publish('article.normalized.v1', {
        ...normalized(id, eventId, index),
        source: 'batch-drain',
      }),
    );
    await channel.waitForConfirms();
    await waitFor('the store to take all five', 10_000, async () => {
      const { messageCount } = await channel.checkQueue('newsflow.store');
      return messageCount === 0;
    });
    const started = Date.now();
    expect(await store.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
    const rows = await system.infrastructure.query<{ id: string }>(
      `SELECT id FROM articles WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
  });
});
