import type { FeedPosition } from '../shared/list-query';

/**
 * A search is served through the GIN index, every match read (one heap row each, for its date;
 * for events also its event's key and row), or through windows of the feed, where only the
 * matches inside a window are read but the window's ~2·21·N/M feed entries are walked
 * (docs/performance.md, "Read path"). The index plan wins below this many matches for N stored
 * articles: 3·√N, 3,000 at 1M, where a word's ~3,000 heap rows cost about what walking and
 * ANDing a window of ~14,000 feed entries does.
 */
export function searchIndexCap(storedArticles: number): number {
  return Math.min(50_000, Math.max(100, Math.round(3 * Math.sqrt(Math.max(0, storedArticles)))));
}

/** The cap while the table's size is unknown (never analyzed): as for 1M articles. */
export const SEARCH_INDEX_CAP = 3_000;

/**
 * 'window': the newest stretch of the feed expected to hold a page of matches twice over, searched
 * through the GIN index ANDed with the feed index's range (a bitmap of each, so only the matches
 * inside the window are read), the next stretch twice as long while the page is short.
 */
export type SearchPlan = 'none' | 'index' | 'window' | 'feed';

/**
 * A word Postgres's statistics expect in this many articles or more goes to the feed order:
 * decoding its posting list for a window costs more than testing the ~21·N/M articles the feed
 * order reads (both ~15 ms at 1M articles near 150,000 matches, docs/performance.md): 150·√N.
 */
export function feedOrderFrom(storedArticles: number): number {
  return 150 * Math.sqrt(Math.max(0, storedArticles));
}

/**
 * A stretch of a feed from the cursor: its last position (null when the feed ends first) and the
 * parameters the source's in-window statements take after the search ($8 on).
 */
export interface FeedWindow {
  end: FeedPosition | null;
  parameters: unknown[];
}

/** Feed rows a window spans to hold `rows` of `matches` spread over `stored`, twice over. */
export function windowSize(rows: number, stored: number, matches: number): number {
  if (matches <= 0 || stored <= 0) return Math.max(rows, 1);
  return Math.max(rows, Math.ceil((2 * rows * stored) / matches));
}

/**
 * The rows the GIN index returned in a plan of `EXPLAIN (ANALYZE, FORMAT JSON)`: the `Actual Rows`
 * of its Bitmap Index Scan on `index`, or null when the plan has no such node. A bitmap index scan
 * always runs to the end before its heap scan reads a page, so under a `LIMIT 1` it counts every
 * match while the heap scan reads one page.
 */
export function bitmapIndexRows(explained: unknown, index: string): number | null {
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number): number | null => {
    if (depth > 64 || node === null || typeof node !== 'object' || seen.has(node)) return null;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) {
        const found = visit(item, depth + 1);
        if (found !== null) return found;
      }
      return null;
    }
    const fields = node as Record<string, unknown>;
    const rows = fields['Actual Rows'];
    if (
      fields['Node Type'] === 'Bitmap Index Scan' &&
      fields['Index Name'] === index &&
      typeof rows === 'number'
    ) {
      return rows;
    }
    for (const value of Object.values(fields)) {
      const found = visit(value, depth + 1);
      if (found !== null) return found;
    }
    return null;
  };
  return visit(explained, 0);
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

/**
 * The lexemes of a tsquery that is only lexemes ANDed (as `phraseCandidates` makes of a phrase),
 * else null: what the column statistics can estimate, each lexeme's share taken as independent.
 */
export function andedLexemes(tsquery: string): string[] | null {
  const lexemes: string[] = [];
  TSQUERY_TOKEN.lastIndex = 0;
  while (TSQUERY_TOKEN.lastIndex < tsquery.length) {
    const match = TSQUERY_TOKEN.exec(tsquery);
    if (!match) return null;
    const token = match[0];
    if (token.startsWith("'")) {
      if (!token.endsWith("'")) return null;
      lexemes.push(token.slice(1, -1).replace(/''/g, "'"));
    } else if (!['&', '(', ')'].includes(token) && token.trim() !== '') return null;
  }
  return lexemes.length > 0 ? lexemes : null;
}

/** How a search with `matches` (exact, or as expected) is served, below the feed order's share. */
export function searchPlanFor(
  matches: number,
  cap = SEARCH_INDEX_CAP,
): 'none' | 'index' | 'window' {
  if (matches === 0) return 'none';
  return matches < cap ? 'index' : 'window';
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

/**
 * The lexemes `websearch_to_tsquery('simple', q)` ANDs for a query of plain words (each as
 * `singleLexeme` reads it), or null when some word is not one: at most 20 words.
 */
export function plainLexemes(q: string): string[] | null {
  const words = q.trim().split(/\s+/u);
  if (words.length > 20) return null;
  const lexemes = words.map(singleLexeme);
  return lexemes.every((lexeme) => lexeme !== null) ? lexemes : null;
}
