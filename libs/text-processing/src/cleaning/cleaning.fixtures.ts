import { cleanArticle } from './clean-article';
import type { CleanedArticle, CleaningOutcome, RawArticle } from './cleaning.types';

/** Spec helpers shared by the cleaning tests (excluded from the build with the specs). */
export function rawArticle(fields: Partial<RawArticle>): RawArticle {
  return {
    url: null,
    source: null,
    title: null,
    author: null,
    publishedAt: null,
    language: null,
    text: null,
    html: null,
    receivedAt: '2025-03-12T10:00:00.000Z',
    ...fields,
  };
}

export function expectRejected(outcome: CleaningOutcome, reasonFragment: string): void {
  expect(outcome.kind).toBe('rejected');
  if (outcome.kind === 'rejected') expect(outcome.reason).toContain(reasonFragment);
}

/** The cleaned article, or a thrown error naming the rejection reason. */
export function cleanedArticle(input: RawArticle): CleanedArticle {
  const outcome = cleanArticle(input);
  if (outcome.kind !== 'article') throw new Error(`rejected: ${outcome.reason}`);
  return outcome.article;
}
