import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { ArticleEventMap } from '@newsflow/contracts';
import { dataSourceOptions } from '@newsflow/database';
import { DataSource } from 'typeorm';
import {
  type ServiceProcess,
  TestSystem,
  consumeDownstream,
  storeEventMap,
  waitFor,
} from './support/test-system';

type Role = 'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'a6' | 'E1' | 'E2' | 'E3' | 'E4';
const ARTICLES = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'] as const;

interface Message {
  type: string;
  messageId: string;
  body: Record<string, unknown>;
}

/**
 * One story's history, with fresh ids: event E2 merges into E1 (its articles a3, a4 move), a2
 * splits off to a new event E4, then E1 merges into E3 (a1, a3, a4 and the duplicate a5 move), so
 * E2 → E1 → E3 is a chain. Every snapshot the normalizer would send goes with it.
 */
function history(source: string): { ids: Record<Role, string>; messages: Message[] } {
  const ids = Object.fromEntries(
    ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'E1', 'E2', 'E3', 'E4'].map((role) => [
      role,
      randomUUID(),
    ]),
  ) as Record<Role, string>;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 8, minute)).toISOString();
  const messages: Message[] = [];
  const article = (role: Role, event: Role, minute: number, duplicateOf?: Role) =>
    messages.push({
      type: duplicateOf ? 'article.duplicate.v1' : 'article.normalized.v1',
      messageId: ids[role],
      body: {
        id: ids[role],
        eventId: ids[event],
        ...(duplicateOf ? { duplicateOf: ids[duplicateOf] } : {}),
        url: `https://revisions.example/${ids[role]}`,
        canonicalUrl: null,
        source,
        title: `Article ${role}`,
        author: null,
        publishedAt: at(minute),
        language: 'en',
        text: `The text of article ${role}.`,
        receivedAt: at(minute),
        processedAt: at(minute),
      },
    });
  const snapshot = (event: Role, version: number, articleCount: number, minute: number) =>
    messages.push({
      type: version === 1 ? 'event.created.v1' : 'event.updated.v1',
      messageId: `${ids[event]}:${version}`,
      body: {
        id: ids[event],
        title: `${event} at version ${version}`,
        articleCount,
        sources: [source],
        firstPublishedAt: at(0),
        lastPublishedAt: at(minute),
        version,
        updatedAt: at(minute),
      },
    });
  const move = (role: Role, from: Role, to: Role, version: number, reason: 'merge' | 'split') =>
    messages.push({
      type: 'article.moved.v1',
      messageId: `${ids[role]}:${version}`,
      body: {
        articleId: ids[role],
        fromEventId: ids[from],
        toEventId: ids[to],
        version,
        reason,
        movedAt: at(30),
      },
    });
  const merge = (event: Role, into: Role, version: number, articles: Role[]) =>
    messages.push({
      type: 'event.merged.v1',
      messageId: `${ids[event]}:${version}`,
      body: {
        eventId: ids[event],
        mergedInto: ids[into],
        articleIds: articles.map((role) => ids[role]),
        version,
        mergedAt: at(30),
      },
    });

  article('a1', 'E1', 1);
  snapshot('E1', 1, 1, 1);
  article('a2', 'E1', 2);
  snapshot('E1', 2, 2, 2);
  article('a3', 'E2', 3);
  snapshot('E2', 1, 1, 3);
  article('a4', 'E2', 4);
  snapshot('E2', 2, 2, 4);
  article('a5', 'E1', 5, 'a1');
  snapshot('E1', 3, 3, 5);
  article('a6', 'E3', 6);
  snapshot('E3', 1, 1, 6);
  merge('E2', 'E1', 3, ['a3', 'a4']);
  move('a3', 'E2', 'E1', 2, 'merge');
  move('a4', 'E2', 'E1', 2, 'merge');
  snapshot('E1', 4, 5, 7);
  move('a2', 'E1', 'E4', 2, 'split');
  snapshot('E4', 1, 1, 8);
  snapshot('E1', 5, 4, 8);
  merge('E1', 'E3', 6, ['a1', 'a3', 'a4', 'a5']);
  move('a1', 'E1', 'E3', 2, 'merge');
  move('a3', 'E1', 'E3', 3, 'merge');
  move('a4', 'E1', 'E3', 3, 'merge');
  move('a5', 'E1', 'E3', 2, 'merge');
  snapshot('E3', 2, 5, 9);
  return { ids, messages };
}

/** What every order of that history must leave, by role. */
const EXPECTED_EVENTS: Record<(typeof ARTICLES)[number], Role> = {
  a1: 'E3',
  a2: 'E4',
  a3: 'E3',
  a4: 'E3',
  a5: 'E3',
  a6: 'E3',
};

/** A seeded generator (mulberry32), so a failing order can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The messages in a shuffled order, about a third of them delivered twice. */
function shuffledWithRedeliveries(messages: readonly Message[], seed: number): Message[] {
  const next = random(seed);
  const deliveries = messages.flatMap((message) =>
    next() < 0.35 ? [message, message] : [message],
  );
  for (let i = deliveries.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
  }
  return deliveries;
}

interface EventAnswer {
  status: number;
  location: string | null;
  body: {
    id: string;
    mergedInto?: string;
    title?: string | null;
    articleCount?: number;
    articles?: Array<{ id: string; eventId: string | null }>;
  };
}

/**
 * Event revisions (merges and moves) through the store alone, on a real broker and database: the
 * messages are published here as plain JSON, as the normalizer would.
 */
describe('store: event merges and article moves, in any order and redelivered', () => {
  let system: TestSystem;
  let broker: ChannelModel;
  let channel: ConfirmChannel;
  let downstream: Channel;
  const downstreamQueue = `downstream.revisions.${randomUUID()}`;
  const downstreamMap = new ArticleEventMap();
  let downstreamApplied = 0;

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['store'] });
    broker = await connect(system.infrastructure.amqpUrl);
    channel = await broker.createConfirmChannel();
    // A consumer outside newsflow: its own queue on the processed exchange, plain JSON, no code
    // of the store's, only the contracts' reducer.
    downstream = await broker.createChannel();
    await consumeDownstream(downstream, downstreamQueue, (message) => {
      downstreamMap.apply({ name: message.type, payload: message.body });
      downstreamApplied += 1;
    });
  });

  afterAll(async () => {
    await broker?.close();
    await system?.stop();
  });

  async function publishAll(messages: readonly Message[]): Promise<void> {
    for (const message of messages) {
      channel.publish(
        'newsflow.processed',
        message.type.replace(/\.v\d+$/, ''),
        Buffer.from(JSON.stringify(message.body)),
        {
          type: message.type,
          messageId: message.messageId,
          contentType: 'application/json',
          persistent: true,
        },
      );
    }
    await channel.waitForConfirms();
  }

  async function getEvent(id: string): Promise<EventAnswer> {
    const response = await fetch(`${system.storeUrl}/events/${id}`, { redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: (await response.json()) as EventAnswer['body'],
    };
  }

  /** The state a user of the API sees, with ids replaced by roles so rounds compare. */
  async function observedState(ids: Record<Role, string>, source: string) {
    const roleOf = new Map(Object.entries(ids).map(([role, id]) => [id, role]));
    const role = (id: string | null | undefined) => (id ? (roleOf.get(id) ?? id) : null);
    const articles = await storeEventMap(
      system.storeUrl,
      ARTICLES.map((name) => ids[name]),
    );
    const events: Record<string, unknown> = {};
    for (const name of ['E1', 'E2', 'E3', 'E4'] as const) {
      const answer = await getEvent(ids[name]);
      events[name] =
        answer.status === 308
          ? { status: 308, location: answer.location, mergedInto: role(answer.body.mergedInto) }
          : {
              status: answer.status,
              title: answer.body.title,
              articleCount: answer.body.articleCount,
              articles: (answer.body.articles ?? []).map((item) => role(item.id)).sort(),
            };
    }
    const list = await fetch(`${system.storeUrl}/events?source=${encodeURIComponent(source)}`);
    const listed = ((await list.json()) as { items: Array<{ id: string }> }).items
      .map((item) => role(item.id))
      .sort();
    return {
      articles: Object.fromEntries([...articles].map(([id, event]) => [role(id), role(event)])),
      events,
      listed,
    };
  }

  function expectedState(ids: Record<Role, string>) {
    return {
      articles: { ...EXPECTED_EVENTS },
      events: {
        E1: { status: 308, location: `/events/${ids.E3}`, mergedInto: 'E3' },
        E2: { status: 308, location: `/events/${ids.E3}`, mergedInto: 'E3' },
        E3: {
          status: 200,
          title: 'E3 at version 2',
          articleCount: 5,
          articles: ['a1', 'a3', 'a4', 'a5', 'a6'],
        },
        E4: { status: 200, title: 'E4 at version 1', articleCount: 1, articles: ['a2'] },
      },
      listed: ['E3', 'E4'],
    };
  }

  /** Waits for the store to settle on the expected state, then compares (a diff on failure). */
  async function expectSettled(ids: Record<Role, string>, source: string): Promise<void> {
    const expected = expectedState(ids);
    const sameAsExpected = async () =>
      JSON.stringify(await observedState(ids, source)) === JSON.stringify(expected);
    await waitFor('the store to apply every revision', 30_000, sameAsExpected).catch(
      () => undefined,
    );
    expect(await observedState(ids, source)).toEqual(expected);
  }

  /**
   * Each round its own story and order. Extra store replicas write one or two messages per
   * transaction, many at once: revisions of one article then race across transactions and
   * processes, not only within a batch.
   */
  const rounds: Array<{ seed: number; replicas: Array<Record<string, string>> }> = [
    { seed: 1, replicas: [] },
    { seed: 2, replicas: [{ STORE_BATCH_SIZE: '1' }] },
    { seed: 3, replicas: [{ STORE_BATCH_SIZE: '1' }, { STORE_BATCH_SIZE: '2' }] },
    { seed: 4, replicas: [{ STORE_BATCH_SIZE: '1' }, { STORE_BATCH_SIZE: '1' }] },
  ];
  const published: Array<{ ids: Record<Role, string>; deliveries: number }> = [];

  it.each(rounds)(
    'settles on one state from shuffled, redelivered revisions (seed $seed, with $replicas.length more store replicas)',
    async ({ seed, replicas }) => {
      const extra: ServiceProcess[] = [];
      for (const env of replicas) extra.push(await system.startService('store', env));
      const source = `revisions-${seed}-${randomUUID().slice(0, 8)}`;
      const { ids, messages } = history(source);
      const deliveries = shuffledWithRedeliveries(messages, seed);
      expect(deliveries.length).toBeGreaterThan(messages.length);
      // In three waves, each taken before the next is sent: a stale revision then often meets
      // a newer one already committed, not only one in its own batch.
      const wave = Math.ceil(deliveries.length / 3);
      for (let start = 0; start < deliveries.length; start += wave) {
        await publishAll(deliveries.slice(start, start + wave));
        await waitFor('the store to take the wave', 30_000, async () => {
          const { messageCount } = await channel.checkQueue('newsflow.store');
          return messageCount === 0;
        });
      }
      published.push({ ids, deliveries: deliveries.length });
      await expectSettled(ids, source);
      for (const replica of extra) expect(await replica.stop()).toBe(0);
    },
  );

  it('answers 308 from a merged event to the end of its chain of merges, which a client follows', async () => {
    const { ids } = published[0];
    const answer = await getEvent(ids.E2);
    expect(answer).toEqual({
      status: 308,
      location: `/events/${ids.E3}`,
      body: { id: ids.E2, mergedInto: ids.E3 },
    });
    const followed = await fetch(`${system.storeUrl}/events/${ids.E2}`);
    expect(followed.status).toBe(200);
    expect(followed.redirected).toBe(true);
    expect(((await followed.json()) as { id: string }).id).toBe(ids.E3);
    // An unknown id is still a 404, not a redirect.
    expect((await fetch(`${system.storeUrl}/events/${randomUUID()}`)).status).toBe(404);
  });

  it('lets a downstream consumer rebuild from the messages alone the map the store serves', async () => {
    const total = published.reduce((sum, round) => sum + round.deliveries, 0);
    await waitFor('the downstream consumer to take every message', 30_000, async () => {
      return downstreamApplied >= total;
    });
    expect(downstreamApplied).toBe(total);
    const articleIds = published.flatMap((round) => ARTICLES.map((name) => round.ids[name]));
    const fromStore = await storeEventMap(system.storeUrl, articleIds);
    const rebuilt = new Map(articleIds.map((id) => [id, downstreamMap.eventOf(id) ?? null]));
    expect(rebuilt).toEqual(fromStore);
    // And each surviving event's articles, as the store lists them, are the rebuilt event's.
    for (const { ids } of published) {
      for (const name of ['E3', 'E4'] as const) {
        const { body } = await getEvent(ids[name]);
        expect((body.articles ?? []).map((item) => item.id).sort()).toEqual(
          [...(downstreamMap.eventsWithArticles().get(ids[name]) ?? [])].sort(),
        );
      }
      expect(downstreamMap.survivorOf(ids.E2)).toBe(ids.E3);
      expect((await getEvent(ids.E2)).body.mergedInto).toBe(downstreamMap.survivorOf(ids.E2));
    }
  });

  it('keeps every current eventId when its migration is undone and run again', async () => {
    const articleIds = published.flatMap((round) => ARTICLES.map((name) => round.ids[name]));
    const before = await storeEventMap(system.storeUrl, articleIds);
    const dataSource = new DataSource(dataSourceOptions(system.infrastructure.databaseUrl, 1));
    await dataSource.initialize();
    try {
      for (let undone = 0; undone < 100; undone += 1) {
        const [last] = await dataSource.query<Array<{ name: string }>>(
          `SELECT name FROM migrations ORDER BY id DESC LIMIT 1`,
        );
        await dataSource.undoLastMigration({ transaction: 'each' });
        if (last?.name === 'EventRevisions1732580000000') break;
      }
      const [{ assignments }] = await dataSource.query<Array<{ assignments: string | null }>>(
        `SELECT to_regclass('article_assignments')::text AS assignments`,
      );
      expect(assignments).toBeNull();
      await dataSource.runMigrations({ transaction: 'each' });
      const rows = await dataSource.query<Array<{ article_id: string; event_id: string }>>(
        `SELECT article_id, event_id FROM article_assignments WHERE article_id = ANY ($1::uuid[])`,
        [articleIds],
      );
      expect(new Map(rows.map((row) => [row.article_id, row.event_id]))).toEqual(before);
    } finally {
      await dataSource.destroy();
    }
    expect(await storeEventMap(system.storeUrl, articleIds)).toEqual(before);
  });
});
