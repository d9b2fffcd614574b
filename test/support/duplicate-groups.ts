import type { StoredArticle } from './test-system';

/**
 * Checks that each group of copies has exactly one first copy (`stored`) and that every other
 * copy is a duplicate of it, in its event; returns the articles by group.
 */
export function expectOneFirstCopyPerGroup(
  processed: ReadonlyArray<{ group: number; article: StoredArticle }>,
): Map<number, StoredArticle[]> {
  const byGroup = new Map<number, StoredArticle[]>();
  for (const { group, article } of processed)
    byGroup.set(group, [...(byGroup.get(group) ?? []), article]);
  for (const [group, articles] of byGroup) {
    const firsts = articles.filter((article) => article.status === 'stored');
    expect({ group, firsts: firsts.length }).toEqual({ group, firsts: 1 });
    for (const copy of articles.filter((article) => article.status === 'duplicate')) {
      expect(copy.duplicateOf).toBe(firsts[0].id);
      expect(copy.eventId).toBe(firsts[0].eventId);
    }
  }
  return byGroup;
}
