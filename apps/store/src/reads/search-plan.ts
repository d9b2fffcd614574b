/**
 * A search is served one of two ways. Few matches: every match from the GIN index, sorted by
 * date (cost grows with the matches). Many: the feed walked newest first, each article tested
 * until a page is full (cost grows with articles / matches). The index is probed first, counting
 * matches up to this cap; below it the index plan is taken. At 1M articles a word in 5,000 of
 * them has the feed walk test ~4,000 articles for a page of 21, about the cost of fetching its
 * 5,000 matches (docs/performance.md, "Read path").
 */
export const SEARCH_INDEX_CAP = 5_000;

export type SearchPlan = 'none' | 'index' | 'feed';

/**
 * How long the column statistics of `articles.search` (Postgres's most common lexemes, with the
 * share of articles holding each) are used before they are read again.
 */
export const TERM_STATISTICS_TTL_MS = 60_000;

export function searchPlanFor(matchesUpToCap: number, cap = SEARCH_INDEX_CAP): SearchPlan {
  if (matchesUpToCap === 0) return 'none';
  return matchesUpToCap < cap ? 'index' : 'feed';
}

/**
 * The lexeme `websearch_to_tsquery('simple', q)` makes of a query that is one plain word, or null
 * (operators, quotes, several words): only such a query can be looked up in the column's
 * statistics without asking Postgres to parse it.
 */
export function singleLexeme(q: string): string | null {
  const word = q.trim();
  if (word.length === 0 || word.length > 100) return null;
  return /^[\p{Ll}\p{Lu}\p{Lo}\p{Nd}]+$/u.test(word) && !/^(or|and)$/i.test(word)
    ? word.toLowerCase()
    : null;
}
