import { randomUUID } from 'node:crypto';
import { expectOneFirstCopyPerGroup } from './support/duplicate-groups';
import { syntheticArticle } from './support/synthetic-articles';
import { TestSystem, postJson, waitFor } from './support/test-system';

/**
 * Two normalizer replicas decide a flood of copies; one is killed (SIGKILL) while decisions are
 * being made and the other takes over its unacknowledged messages: every article must end with
 * exactly one decision, and every group of copies with one first copy.
 */
describe('a normalizer replica killed mid-batch', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['store', 'ingest'] });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('leaves no decision lost or doubled once the other replica takes over', async () => {
    const [doomed] = await Promise.all([
      system.startService('normalizer', { AMQP_PREFETCH: '32' }),
      system.startService('normalizer', { AMQP_PREFETCH: '32' }),
    ]);
    const groups = Array.from({ length: 60 }, (_, index) =>
      syntheticArticle(20_000 + index, 'failover-test'),
    );
    const posts = groups.flatMap((article, group) =>
      [0, 1, 2, 3].map((copy) => ({
        group,
        body: {
          ...article,
          id: randomUUID(),
          source: `outlet-${copy}`,
          text: copy % 2 === 0 ? article.text : `Home\nWorld\n${article.text}\nShare this article`,
        },
      })),
    );
    // Copies of one story spread over the flood.
    posts.sort((first, second) => first.body.id.localeCompare(second.body.id));
    const answer = await postJson(
      `${system.ingestUrl}/articles/batch`,
      posts.map((post) => post.body),
    );
    expect(answer.status).toBe(202);

    await waitFor('a quarter of the decisions', 60_000, async () => {
      const [row] = await system.infrastructure.query<{ count: string }>(
        `SELECT count(*) FROM decision_log`,
      );
      return Number(row.count) >= posts.length / 4;
    });
    await doomed.kill();
    const [{ count: atKill }] = await system.infrastructure.query<{ count: string }>(
      `SELECT count(*) FROM decision_log`,
    );
    expect(Number(atKill)).toBeLessThan(posts.length);

    const processed = await Promise.all(
      posts.map(async (post) => ({
        group: post.group,
        article: await system.processedArticle(post.body.id, 90_000),
      })),
    );
    const decisions = await system.infrastructure.query<{ article_id: string; count: string }>(
      `SELECT article_id, count(*) FROM decision_log GROUP BY article_id`,
    );
    expect(decisions).toHaveLength(posts.length);
    expect(decisions.every((row) => Number(row.count) === 1)).toBe(true);

    expectOneFirstCopyPerGroup(processed);
    // Every live event the normalizer recorded (not absorbed by a refinement's merge) is one the
    // store's articles point at, and no other, once the store has applied the revisions.
    const countsNow = async () => {
      const [counts] = await system.infrastructure.query<{
        articles: string;
        events: string;
        referenced: string;
      }>(
        `SELECT (SELECT count(*) FROM articles)::text AS articles,
                (SELECT count(*) FROM event_clusters WHERE merged_into IS NULL)::text AS events,
                (SELECT count(DISTINCT event_id) FROM articles)::text AS referenced`,
      );
      return counts;
    };
    await waitFor('the store to apply every revision', 30_000, async () => {
      const counts = await countsNow();
      return counts.referenced === counts.events;
    }).catch(() => undefined);
    const counts = await countsNow();
    expect(Number(counts.articles)).toBe(posts.length);
    expect(Number(counts.referenced)).toBe(Number(counts.events));
  }, 180_000);
});
