import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StoredArticle, TestSystem } from './support/test-system';

interface SeedExpectation {
  title: string;
  author: string | null;
  publishedAt: string | null;
  keep: string[];
  drop: string[];
}

const seeds = join(__dirname, 'fixtures', 'seeds');
const expected = JSON.parse(readFileSync(join(seeds, 'expected.json'), 'utf8')) as {
  sameEvent: boolean;
  articles: Record<string, SeedExpectation>;
};

describe('the seed story through the real pipeline (cleaning, dedup, events)', () => {
  let system: TestSystem;
  const processed = new Map<string, StoredArticle>();

  async function postDump(file: string, query = ''): Promise<StoredArticle> {
    const response = await fetch(`${system.ingestUrl}/articles${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: readFileSync(join(seeds, file), 'utf8'),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    return system.processedArticle(id);
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    for (const file of Object.keys(expected.articles)) processed.set(file, await postDump(file));
  });

  afterAll(async () => {
    await system?.stop();
  });

  it.each(Object.entries(expected.articles))(
    '%s: keeps every passage and drops the boilerplate',
    (file, expectation) => {
      const article = processed.get(file) as StoredArticle;
      expect(article.status).toBe('stored');
      const text = article.text ?? '';
      const paragraphs = text.split('\n\n');
      for (const passage of expectation.keep) {
        expect(paragraphs.some((paragraph) => paragraph.includes(passage))).toBe(true);
      }
      for (const passage of expectation.drop) expect(text).not.toContain(passage);
      expect(text).not.toMatch(/\n{3,}/);
      expect({
        title: article.title,
        author: article.author,
        publishedAt: article.publishedAt,
      }).toEqual({
        title: expectation.title,
        author: expectation.author,
        publishedAt: expectation.publishedAt,
      });
    },
  );

  it('puts both write-ups in one event, neither a duplicate of the other, titled by a headline', async () => {
    const [first, second] = [...processed.values()];
    expect(first.eventId).toEqual(second.eventId);
    expect([first.duplicateOf, second.duplicateOf]).toEqual([null, null]);
    const event = (await (await fetch(`${system.storeUrl}/events/${first.eventId}`)).json()) as {
      title: string | null;
      articleCount: number;
      articles: StoredArticle[];
    };
    expect(Object.values(expected.articles).map((article) => article.title)).toContain(event.title);
    expect(event.articleCount).toBe(2);
    expect(event.articles.map((article) => article.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
  });

  it('calls a re-post of either seed (same text, other id and URL) a duplicate of it', async () => {
    for (const [file, original] of processed) {
      const repost = await postDump(
        file,
        `?url=${encodeURIComponent(`https://mirror.example.org/${file}`)}&source=mirror`,
      );
      expect(repost).toMatchObject({
        status: 'duplicate',
        duplicateOf: original.id,
        eventId: original.eventId,
      });
    }
    const event = (await (
      await fetch(`${system.storeUrl}/events/${[...processed.values()][0].eventId}`)
    ).json()) as {
      articleCount: number;
      sources: string[];
    };
    expect(event.articleCount).toBe(2);
    expect(event.sources).toContain('mirror');
  });
});
