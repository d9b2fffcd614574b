import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import { ArticleEventMap } from '@newsflow/contracts';
import { FUNCTION_WORDS } from '../scripts/support/function-words';
import { seededRandom } from '../scripts/support/seeded-random';
import {
  type DownstreamMessage,
  TestSystem,
  consumeDownstream,
  postJson,
  storeEventMap,
  waitFor,
} from './support/test-system';

const SYLLABLES = ['ba', 'de', 'ki', 'lo', 'mu', 'ra', 'si', 'to', 've', 'zu', 'ne', 'po'];

/** `count` made-up words (rare terms), distinct for distinct `first`. */
function words(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const n = first + index;
    return [n % 12, Math.floor(n / 12) % 12, Math.floor(n / 144) % 12]
      .map((syllable) => SYLLABLES[syllable])
      .join('');
  });
}

/** Prose of these content words (each twice, in a seeded order) between function words. */
function article(content: readonly string[], seed: number, source: string) {
  const next = seededRandom(seed);
  const pool = [...content, ...content].sort(() => next() - 0.5);
  const sentences: string[] = [];
  for (let at = 0; at < pool.length; at += 8) {
    const sentence = pool
      .slice(at, at + 8)
      .flatMap((word) => [word, FUNCTION_WORDS[Math.floor(next() * 12)]])
      .join(' ');
    sentences.push(`${sentence.replace(/^./, (letter) => letter.toUpperCase())}.`);
  }
  const third = Math.ceil(sentences.length / 3);
  return {
    id: randomUUID(),
    source,
    title: content.slice(0, 5).join(' '),
    text: [0, 1, 2]
      .map((part) => sentences.slice(part * third, (part + 1) * third).join(' '))
      .join('\n\n'),
  };
}

/**
 * Two write-ups that share a few words (too few to join online) and a third that holds both:
 * it joins one, and the refinement after it sees the three as one story.
 */
function bridgedStory() {
  const shared = words(0, 6);
  const first = words(100, 30);
  const second = words(300, 30);
  return [
    article([...shared, ...first], 1, 'outlet-a'),
    article([...shared, ...second], 2, 'outlet-b'),
    article([...shared, ...first, ...second], 3, 'outlet-c'),
  ];
}

/**
 * The normalizer's refinement through the real system: articles posted one at a time, each decided
 * in its own batch, until a later one makes the normalizer merge two events or move an article. The
 * store serves what the messages say, and a downstream consumer rebuilds the same map from them.
 */
describe('normalizer → store: events revised by later articles', () => {
  let system: TestSystem;
  let broker: ChannelModel;
  let downstream: Channel;
  const downstreamQueue = `downstream.normalizer-revisions.${randomUUID()}`;
  const downstreamMap = new ArticleEventMap();
  const received: DownstreamMessage[] = [];
  const posted: Array<Record<string, unknown> & { id: string }> = [];

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['store', 'normalizer', 'ingest'] });
    broker = await connect(system.infrastructure.amqpUrl);
    downstream = await broker.createChannel();
    await consumeDownstream(downstream, downstreamQueue, (message) => {
      downstreamMap.apply({ name: message.type, payload: message.body });
      received.push(message);
    });
  });

  afterAll(async () => {
    await broker?.close();
    await system?.stop();
  });

  const revisions = () =>
    received.filter(
      (message) => message.type === 'event.merged.v1' || message.type === 'article.moved.v1',
    );

  it('merges when a later article shows the first decision wrong, and the store follows', async () => {
    for (const article of bridgedStory()) {
      posted.push(article);
      expect((await postJson(`${system.ingestUrl}/articles`, article)).status).toBe(202);
      // One at a time: each article is its own batch, refined after it.
      await system.processedArticle(article.id);
      await waitFor('the downstream consumer', 15_000, async () =>
        received.some((message) => message.messageId === article.id),
      );
    }
    expect(revisions().length).toBeGreaterThan(0);

    const merges = received.filter((message) => message.type === 'event.merged.v1');
    expect(merges.length).toBeGreaterThan(0);
    for (const merge of merges) {
      const { eventId, mergedInto } = merge.body as { eventId: string; mergedInto: string };
      const answer = await fetch(`${system.storeUrl}/events/${eventId}`, { redirect: 'manual' });
      expect(answer.status).toBe(308);
      expect(answer.headers.get('location')).toBe(
        `/events/${downstreamMap.survivorOf(mergedInto)}`,
      );
      expect(merge.messageId).toBe(`${eventId}:${String(merge.body.version)}`);
    }
    for (const move of received.filter((message) => message.type === 'article.moved.v1')) {
      const { articleId, version } = move.body as { articleId: string; version: number };
      expect(move.messageId).toBe(`${articleId}:${version}`);
      const stored = await system.processedArticle(articleId);
      expect(stored.eventId).toBe(downstreamMap.eventOf(articleId));
    }
  });

  it('lets a downstream consumer rebuild from the messages alone the map the store serves', async () => {
    const ids = posted.map((article) => article.id);
    const fromStore = await storeEventMap(system.storeUrl, ids);
    const rebuilt = new Map(ids.map((id) => [id, downstreamMap.eventOf(id) ?? null]));
    expect(rebuilt).toEqual(fromStore);
    // The three write-ups end in one event.
    expect(new Set(rebuilt.values()).size).toBe(1);
    // No article stays in an event that was merged away.
    for (const eventId of rebuilt.values())
      expect(downstreamMap.survivorOf(eventId ?? '')).toBe(eventId);
  });

  it('replays the same messages when every article is delivered again: never a second merge', async () => {
    const before = await storeEventMap(
      system.storeUrl,
      posted.map((article) => article.id),
    );
    const mergeIds = () =>
      new Set(
        received
          .filter((message) => message.type === 'event.merged.v1')
          .map((message) => String(message.body.eventId)),
      );
    const merged = mergeIds();
    const revisionIds = new Set(revisions().map((message) => message.messageId));
    const seen = received.length;
    for (const article of posted)
      expect((await postJson(`${system.ingestUrl}/articles`, article)).status).toBe(202);
    const last = posted[posted.length - 1];
    await waitFor('the redeliveries to be answered', 30_000, async () =>
      received.slice(seen).some((message) => message.messageId === last.id),
    );
    // A redelivered article is answered from the log: the same message ids, no new revision.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = received.slice(seen);
    for (const message of again.filter(
      (item) => item.type === 'event.merged.v1' || item.type === 'article.moved.v1',
    ))
      expect(revisionIds.has(message.messageId)).toBe(true);
    expect(mergeIds()).toEqual(merged);
    expect(
      await storeEventMap(
        system.storeUrl,
        posted.map((article) => article.id),
      ),
    ).toEqual(before);
  });
});
