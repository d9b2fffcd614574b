import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InMemoryDedupIndex } from '../dedup';
import {
  DEFAULT_CLUSTERING_PARAMETERS,
  InMemoryEventRepository,
  classifyArticle,
  eventFromMembers,
  refineEvents,
  type ClassifyInput,
  type RefinementMember,
  type ScoringContext,
} from '.';

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
    readFileSync(
      resolve(__dirname, '../../../../test/fixtures/dated-stream/earthquakes.json'),
      'utf8',
    ),
  ) as { articles: StreamArticle[] }
).articles;

function input(article: StreamArticle, dated: boolean): ClassifyInput {
  return {
    id: article.key,
    canonicalUrl: null,
    source: article.source,
    title: article.title,
    text: article.text,
    publishedAt: dated ? article.publishedAt : null,
    language: 'en',
  };
}

/** The partition the online pass gives, as stories grouped by event (canonical string). */
async function onlinePartition(order: readonly number[], dated: boolean): Promise<string> {
  const ports = { dedup: new InMemoryDedupIndex(), events: new InMemoryEventRepository() };
  const groups = new Map<string, string[]>();
  for (const index of order) {
    const article = STREAM[index];
    const result = await classifyArticle(input(article, dated), ports);
    expect(result.kind).toBe('unique');
    groups.set(result.eventId, [...(groups.get(result.eventId) ?? []), article.key]);
  }
  return [...groups.values()]
    .map((keys) => keys.sort().join('+'))
    .sort()
    .join(' | ');
}

const ORDERS = [
  [0, 1, 2, 3],
  [0, 2, 1, 3],
  [2, 0, 3, 1],
  [3, 1, 0, 2],
];

describe('a dated stream: two earthquakes two months apart', () => {
  it('gives two events in any arrival order, although undated their words make one', async () => {
    for (const order of ORDERS) {
      expect(await onlinePartition(order, true)).toBe('july-1+july-2 | september-1+september-2');
      expect(await onlinePartition(order, false)).toBe('july-1+july-2+september-1+september-2');
    }
  });

  it('is split by the refinement when one event holds both, and kept whole undated', async () => {
    for (const dated of [true, false]) {
      const events = new InMemoryEventRepository();
      const ports = { dedup: new InMemoryDedupIndex(), events };
      const members: RefinementMember[] = [];
      for (const article of STREAM) {
        const result = await classifyArticle(input(article, dated), ports);
        if (result.kind !== 'unique') throw new Error(`${article.key} is a duplicate`);
        members.push({
          articleId: article.key,
          title: article.title,
          source: article.source,
          publishedAt: dated ? article.publishedAt : null,
          terms: result.member,
        });
      }
      const context: ScoringContext = {
        documentFrequencies: await events.documentFrequencies(
          members.flatMap((member) => [...member.terms.terms]),
        ),
        parameters: DEFAULT_CLUSTERING_PARAMETERS,
      };
      // As if the online pass had put all four in one event.
      const refinement = refineEvents([
        { event: eventFromMembers('E', members, context), members },
      ]);
      const moved = refinement.moves.map((move) => move.articleId).sort();
      if (dated) {
        expect(refinement.newEvents).toBe(1);
        expect([
          ['july-1', 'july-2'],
          ['september-1', 'september-2'],
        ]).toContainEqual(moved);
      } else expect(refinement.moves).toEqual([]);
    }
  });
});
