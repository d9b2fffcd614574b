/**
 * A search is served one of two ways. Few matches (M): every match from the GIN index, sorted by
 * date, one heap row per match. Many: the feed walked newest first, each article tested until a
 * page of 21 is full, ~21·N/M articles for N stored. The two cost the same near M = √(21·c·N),
 * c the cost of testing an article over that of fetching a match; c ≈ 1.2 puts it at 5,000 for
 * 1M articles (docs/performance.md, "Read path"). The index is probed first, counting matches up
 * to this cap; below it the index plan is taken.
 */
export function searchIndexCap(storedArticles: number): number {
  return Math.min(50_000, Math.max(100, Math.round(5 * Math.sqrt(Math.max(0, storedArticles)))));
}

/** The cap while the table's size is unknown (never analyzed): as for 1M articles. */
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
