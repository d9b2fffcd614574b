/**
 * A search is served one of two ways. Few matches: every match from the GIN index, sorted by
 * date (cost grows with the matches). Many: the feed walked newest first, each article tested
 * until a page is full (cost grows with articles / matches). The index is probed first, counting
 * matches up to this cap; below it the index plan is taken. Chosen on the generated 50k and 1M
 * stores of `npm run bench:read` (docs/performance.md, "Read path").
 */
export const SEARCH_INDEX_CAP = 5_000;

export type SearchPlan = 'none' | 'index' | 'feed';

export function searchPlanFor(matchesUpToCap: number, cap = SEARCH_INDEX_CAP): SearchPlan {
  if (matchesUpToCap === 0) return 'none';
  return matchesUpToCap < cap ? 'index' : 'feed';
}
