import type { DocumentFrequencies } from './vectors';

/** An event as the clustering decision sees and stores it. */
export interface EventSnapshot {
  id: string;
  title: string | null;
  /**
   * term → sum over member articles of the term's sublinear zone-weighted frequency, 1 + ln(tf),
   * with no idf baked in: the decision re-weights it with the document frequencies of the day.
   * Bounded to the strongest terms (sum × idf at the last update).
   */
  terms: ReadonlyMap<string, number>;
  /** The strongest terms; the repository indexes the event under these (term → event ids). */
  indexTerms: readonly string[];
  articleCount: number;
  /**
   * The members' time anchors (`timeAnchor`: publication year, else the latest year the text
   * mentions), distinct, ascending, at most the latest `maxEventYears`. Empty when none is known.
   */
  years: readonly number[];
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
  /**
   * Only the `postingsPerTerm` most recently created events carrying a query term count as
   * sharing it (the work per term stays bounded however many events ever carried it). An event
   * keeps its creation rank when its index terms change.
   */
  postingsPerTerm: number;
}

/**
 * Event state. The normalizer answers each method from its in-memory index (plus the batch's own
 * changes); a call never scans more than a term's latest `postingsPerTerm` postings.
 */
export interface EventRepository {
  /** Called twice per article: for its own terms, then for its candidates' terms it lacks. */
  documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies>;
  /** Counts one more document containing each of `terms` (distinct), and one more document in total. */
  incrementDocumentFrequencies(terms: readonly string[]): Promise<void>;
  candidateEvents(query: CandidateQuery): Promise<EventSnapshot[]>;
  createEvent(event: NewEvent): Promise<EventSnapshot>;
  /** Replaces the stored event (its term sums and index terms) with this snapshot. */
  updateEvent(event: EventSnapshot): Promise<void>;
}
