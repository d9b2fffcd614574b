import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StoredArticle, TestSystem, postJson } from './support/test-system';

interface StreamArticle {
  key: string;
  story: string;
  source: string;
  publishedAt: string;
  title: string;
  text: string;
}

/** Two earthquakes in one province two months apart, two write-ups each, in alike words. */
const STREAM = (
  JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'dated-stream', 'earthquakes.json'), 'utf8'),
  ) as { articles: StreamArticle[] }
).articles;

describe('a dated stream through the real pipeline (ingest, cleaning, events, store)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('makes two events of two earthquakes two months apart, each with both write-ups', async () => {
    // Interleaved, each story's first write-up before the other's: a July one, a September one, …
    const order = [0, 2, 1, 3].map((index) => STREAM[index]);
    const stored = new Map<string, StoredArticle>();
    for (const article of order) {
      const id = randomUUID();
      const response = await postJson(`${system.ingestUrl}/articles`, {
        id,
        source: article.source,
        title: article.title,
        publishedAt: article.publishedAt,
        text: article.text,
      });
      expect(response.status).toBe(202);
      stored.set(article.key, await system.processedArticle(id));
    }
    for (const article of stored.values()) expect(article.status).toBe('stored');
    const eventOf = (key: string) => stored.get(key)?.eventId;
    expect(eventOf('july-2')).toBe(eventOf('july-1'));
    expect(eventOf('september-2')).toBe(eventOf('september-1'));
    expect(eventOf('september-1')).not.toBe(eventOf('july-1'));

    for (const story of ['july', 'september']) {
      const response = await fetch(`${system.storeUrl}/events/${eventOf(`${story}-1`)}`);
      const event = (await response.json()) as {
        title: string | null;
        articleCount: number;
        firstPublishedAt: string | null;
        lastPublishedAt: string | null;
      };
      const members = STREAM.filter((article) => article.story === story);
      expect(event.articleCount).toBe(2);
      expect(members.map((article) => article.title)).toContain(event.title);
      expect([event.firstPublishedAt, event.lastPublishedAt]).toEqual(
        members.map((article) => article.publishedAt),
      );
    }
  });
});
