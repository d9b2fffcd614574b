import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { syntheticArticle } from './support/synthetic-articles';
import { expectOneFirstCopyPerGroup } from './support/duplicate-groups';
import { TestSystem, postJson, waitFor } from './support/test-system';

const seeds = join(__dirname, 'fixtures', 'seeds');
const seedTexts = [
  'kyiv-independent-naryshkin-ratcliffe.txt',
  'rt-kenya-star-naryshkin-ratcliffe.txt',
].map((file) => readFileSync(join(seeds, file), 'utf8'));
const BOILERPLATE = [
  'Home',
  'World',
  'Business',
  'Subscribe to our newsletter',
  'Share this article',
  '© 2025 Example Media',
];

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

describe('three normalizer replicas flooded with copies arriving together', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['store', 'ingest'] });
    await Promise.all(
      [1, 2, 3].map(() => system.startService('normalizer', { AMQP_PREFETCH: '16' })),
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('keeps exactly one first copy per group of duplicates, and never splits a story', async () => {
    const groups = Array.from({ length: 25 }, (_, index) =>
      syntheticArticle(10_000 + index, 'replica-test'),
    );
    const posts: Array<{ group: number; body: Record<string, unknown> }> = [];
    groups.forEach((article, group) => {
      for (let copy = 0; copy < 4; copy++) {
        const text =
          copy % 2 === 0 ? article.text : [...BOILERPLATE, article.text, ...BOILERPLATE].join('\n');
        posts.push({
          group,
          body: { ...article, id: randomUUID(), source: `outlet-${copy}`, text },
        });
      }
    });
    // The two seed write-ups of one story, three copies each, in the same flood.
    seedTexts.forEach((text, seedIndex) => {
      for (let copy = 0; copy < 3; copy++) {
        posts.push({
          group: 100 + seedIndex,
          body: { id: randomUUID(), source: `seed-outlet-${seedIndex}-${copy}`, text },
        });
      }
    });
    const flood = shuffled(posts);
    const answer = await postJson(
      `${system.ingestUrl}/articles/batch`,
      flood.map((post) => post.body),
    );
    expect(answer.status).toBe(202);
    expect(((await answer.json()) as { accepted: unknown[] }).accepted).toHaveLength(flood.length);

    await Promise.all(flood.map((post) => system.processedArticle(String(post.body.id), 60_000)));
    // The refinement may still merge or move events after an article is first stored: the final
    // partition is read once both queues are empty.
    const broker = await connect(system.infrastructure.amqpUrl);
    try {
      const channel = await broker.createChannel();
      await waitFor('the normalizer and the store to drain', 60_000, async () => {
        for (const queue of ['newsflow.normalizer', 'newsflow.store']) {
          const { messageCount } = await channel.checkQueue(queue);
          if (messageCount > 0) return false;
        }
        return true;
      });
    } finally {
      await broker.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const processed = await Promise.all(
      flood.map(async (post) => ({
        group: post.group,
        article: await system.processedArticle(String(post.body.id), 60_000),
      })),
    );
    const byGroup = expectOneFirstCopyPerGroup(processed);
    const seedEvents = new Set(
      [...(byGroup.get(100) ?? []), ...(byGroup.get(101) ?? [])].map((article) => article.eventId),
    );
    expect(seedEvents.size).toBe(1);

    const rows = await system.infrastructure.query<{ count: string }>(
      `SELECT count(*) FROM articles`,
    );
    expect(Number(rows[0].count)).toBe(flood.length);
    const seedEvent = (await (
      await fetch(`${system.storeUrl}/events/${[...seedEvents][0]}`)
    ).json()) as {
      articleCount: number;
      sources: string[];
    };
    expect(seedEvent.articleCount).toBe(2);
    expect(seedEvent.sources).toHaveLength(6);
  });
});
