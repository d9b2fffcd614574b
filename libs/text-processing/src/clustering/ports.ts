import type { DocumentFrequencies } from './vectors';

/** What an event keeps per term: enough to re-weight it with current document frequencies. */
export interface EventTermStatistics {
  /** Sum over member articles of the term's sublinear, zone-weighted frequency (no idf baked in). */
  frequencySum: number;
  /** Member articles containing the term. */
  articleCount: number;
}

/** An event as the clustering decision sees and stores it. */
export interface EventSnapshot {
  id: string;
  title: string | null;
  /** Bounded top-K term statistics (strongest by mean frequency × idf when last updated). */
  terms: ReadonlyMap<string, EventTermStatistics>;
  /** The strongest terms; the repository indexes the event under these (term → event ids). */
  indexTerms: readonly string[];
  articleCount: number;
  sources: readonly string[];
  /** UTC ISO-8601 or null when no member carried a date. */
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
}

export type NewEvent = Omit<EventSnapshot, 'id'>;

export interface CandidateQuery {
  /** The article's strongest terms. */
  terms: readonly string[];
  /**
   * When set, only events whose [firstPublishedAt, lastPublishedAt] widened by the window contain
   * this instant, plus events without any date (they cannot be ruled out).
   */
  publishedAt: string | null;
  windowDays: number;
  /** At most this many events, those sharing the most query terms first. */
  limit: number;
}

/**
 * Event state. Each method is one round trip per article; the Postgres adapter answers each with
 * index look-ups (term_df by term, event_terms by term, events by id) and never scans.
 */
export interface EventRepository {
  /**
   * Document frequencies of `terms`, and how many events are indexed under each of them
   * (`eventFrequencies`, from the term → events index; a per-term counter kept with it).
   */
  documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies>;
  /** Counts one more document containing each of `terms` (distinct), and one more document in total. */
  incrementDocumentFrequencies(terms: readonly string[]): Promise<void>;
  candidateEvents(query: CandidateQuery): Promise<EventSnapshot[]>;
  createEvent(event: NewEvent): Promise<EventSnapshot>;
  /** Replaces the stored event (its term statistics and index terms) with this snapshot. */
  updateEvent(event: EventSnapshot): Promise<void>;
}
