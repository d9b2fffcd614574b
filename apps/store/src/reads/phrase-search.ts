import { USE_FEED_ORDER } from '../articles/articles.repository';
import { type FeedFilters, filterParameters } from '../shared/feed-filters';
import type { FeedPosition } from '../shared/list-query';
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
  /** As `candidatesByIndex`, within the window down to the position ($8, $9). */
  readonly candidatesInWindow: string;
  /** $1..$5 the filters, $6 how many: the next $6 positions of the feed, whatever they hold. */
  readonly feedPositions: string;
  /** Of the rows $1 (ids), the newest $3 that match the search $2, each tested. */
  readonly matches: string;
}

/**
 * The newest `budget` positions from the cursor that hold one of the phrase's `candidates`: all
 * the GIN index finds (`end` undefined), or those inside the window down to `end` (null: down
 * to the feed's end).
 */
export async function phraseCandidates(
  session: ReadSession,
  statements: PhraseStatements,
  candidates: string,
  filters: FeedFilters,
  end: FeedPosition | null | undefined,
  budget: number,
): Promise<FeedPosition[]> {
  if (end === undefined) {
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
    end?.sortAt ?? null,
    end?.id ?? null,
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

/** Of the rows `ids`, the newest `rows` that match the phrase search `q`. */
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
  return session.query<Row>(statements.matches, [ids, q, rows]);
}
