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

/**
 * 'window': the newest stretch of the feed expected to hold a page of matches twice over, searched
 * through the GIN index ANDed with the feed index's range (a bitmap of each, so only the matches
 * inside the window are read), the next stretch twice as long while the page is short.
 */
export type SearchPlan = 'none' | 'index' | 'window' | 'feed';

/**
 * A word Postgres's statistics expect in this many caps' worth of articles goes to the feed order:
 * decoding its posting list for a window costs more than testing the ~21·N/M articles the feed
 * order reads (both ~15 ms at 1M articles near 150,000 matches, docs/performance.md).
 */
export const FEED_ORDER_CAPS = 30;

/** Feed rows a window spans to hold `rows` of `matches` spread over `stored`, twice over. */
export function windowSize(rows: number, stored: number, matches: number): number {
  if (matches <= 0 || stored <= 0) return Math.max(rows, 1);
  return Math.max(rows, Math.ceil((2 * rows * stored) / matches));
}

/**
 * How long the column statistics of `articles.search` (Postgres's most common lexemes, with the
 * share of articles holding each) are used before they are read again.
 */
export const TERM_STATISTICS_TTL_MS = 60_000;

/**
 * How a search is served; for a phrase the query that finds its candidates (else null); for a
 * window the matches expected and the rows stored per feed, to size it.
 */
export interface PlannedSearch {
  plan: SearchPlan;
  phraseCandidates: string | null;
  matches: number;
  stored: { articles: number; events: number };
}

/**
 * How many candidates of a phrase search one page tests, newest first. A phrase has no bounded
 * plan through a GIN index without positions: each candidate (an article holding all its words)
 * is tested on its full tsvector. A page therefore tests at most this many candidates, and may
 * come back short or empty with a cursor to go on from (docs/contract.md).
 */
export const PHRASE_BUDGET = { articles: 200, events: 50 } as const;

/** Whether `websearch_to_tsquery` could make a phrase of `q`: anything but words and spaces. */
export function mayHoldPhrase(q: string): boolean {
  return !/^[\p{L}\p{N}\s]*$/u.test(q);
}

const TSQUERY_TOKEN = /'(?:[^']|'')*'(?::[*A-Da-d]+)?|<(?:-|\d+)>|[!&|()]|\s+/gy;

/**
 * The query that finds a phrase search's candidates: `tsquery` (Postgres's text form of the parsed
 * query) with each phrase operator (`<->`, `<N>`) made an AND. Every article the phrase matches
 * holds all its words, so the candidates are a superset, and the GIN index answers them without
 * reading an article. Null when there is no phrase, when the text is not a tsquery this parser
 * knows, or when the query also negates (`!'a' <-> 'b'` matches articles that hold `a`: no AND
 * of words bounds it).
 */
export function phraseCandidates(tsquery: string): string | null {
  const tokens: string[] = [];
  TSQUERY_TOKEN.lastIndex = 0;
  while (TSQUERY_TOKEN.lastIndex < tsquery.length) {
    const match = TSQUERY_TOKEN.exec(tsquery);
    if (!match) return null;
    tokens.push(match[0]);
  }
  const isPhrase = (token: string) => token.startsWith('<');
  if (!tokens.some(isPhrase) || tokens.includes('!')) return null;
  return tokens.map((token) => (isPhrase(token) ? '&' : token)).join('');
}

export function searchPlanFor(
  matchesUpToCap: number,
  cap = SEARCH_INDEX_CAP,
): 'none' | 'index' | 'feed' {
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
