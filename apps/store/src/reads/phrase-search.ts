import { USE_FEED_ORDER } from '../articles/articles.repository';
import { type FeedFilters, filterParameters } from '../shared/feed-filters';
import type { FeedPosition } from '../shared/list-query';
import type { FeedWindow } from './search-plan';
import type { ReadSession } from './read-pools';

/**
 * A feed's statements for a phrase search (its rows are articles or events; both feeds' phrase
 * reads share the helpers below and differ only in these).
 */
export interface PhraseStatements {
  /**
   * $1..$5 the filters, $6 how many, $7 the candidates (a tsquery of ANDs): the newest $6
   * positions from the cursor holding a candidate, every candidate from the GIN index.
   */
  readonly candidatesByIndex: string;
  /** As `candidatesByIndex`, within the window (its parameters from $8 on). */
  readonly candidatesInWindow: string;
  /** $1..$5 the filters, $6 how many: the next $6 positions of the feed, whatever they hold. */
  readonly feedPositions: string;
  /** Of the rows $1 (ids), the newest $3 that match the search $2, each tested. */
  readonly matches: string;
}

/**
 * The newest `budget` positions from the cursor that hold one of the phrase's `candidates`: all
 * the GIN index finds (`window` undefined), or those inside the window.
 */
export async function phraseCandidates(
  session: ReadSession,
  statements: PhraseStatements,
  candidates: string,
  filters: FeedFilters,
  window: FeedWindow | undefined,
  budget: number,
): Promise<FeedPosition[]> {
  if (window === undefined) {
    return session.query<FeedPosition>(statements.candidatesByIndex, [
      ...filterParameters(filters),
      budget,
      candidates,
    ]);
  }
  return session.query<FeedPosition>(statements.candidatesInWindow, [
    ...filterParameters(filters),
    budget,
    candidates,
    ...window.parameters,
  ]);
}

/** The next `budget` positions of the feed from the cursor (phrases of common words). */
export async function feedPositions(
  session: ReadSession,
  statements: PhraseStatements,
  filters: FeedFilters,
  budget: number,
): Promise<FeedPosition[]> {
  await session.query(USE_FEED_ORDER);
  return session.query<FeedPosition>(statements.feedPositions, [
    ...filterParameters(filters),
    budget,
  ]);
}

/**
 * Of the rows `ids` (newest first), the newest `rows` that match the phrase search `q`: tested a
 * slice at a time, twice the rows wanted first and each next slice twice as long, until the page
 * is full. Each test reads an article's whole tsvector, and most candidates hold the phrase.
 */
export async function phraseMatches<Row extends FeedPosition>(
  session: ReadSession,
  statements: PhraseStatements,
  ids: string[],
  q: string,
  rows: number,
): Promise<Row[]> {
  // Key look-ups with the phrase tested on each row: never the GIN index, whose posting lists
  // for common words cost more than the few rows tested.
  await session.query(USE_FEED_ORDER);
  const found: Row[] = [];
  let slice = 2 * rows;
  for (let from = 0; from < ids.length && found.length < rows; from += slice, slice *= 2) {
    const tested = ids.slice(from, from + slice);
    found.push(...(await session.query<Row>(statements.matches, [tested, q, rows - found.length])));
  }
  return found;
}
