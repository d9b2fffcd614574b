/**
 * The JSON shapes the store's REST API serves (docs/contract.md), shared by the server (`toArticleView`,
 * `toEventView`) and the dashboard's browser client, which is compiled on its own: a declaration
 * file with no imports is the one form both compilations can read without emitting anything.
 */

export type ArticleViewStatus = 'stored' | 'duplicate' | 'rejected';

/** An article as GET /articles/:id serves it. */
export interface ArticleView {
  id: string;
  status: ArticleViewStatus;
  duplicateOf: string | null;
  eventId: string | null;
  reason: string | null;
  url: string | null;
  canonicalUrl: string | null;
  source: string | null;
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  language: string | null;
  text: string | null;
  receivedAt: string;
  processedAt: string;
}

/** An event as GET /events lists it. */
export interface EventView {
  id: string;
  title: string | null;
  articleCount: number;
  sources: string[];
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
  updatedAt: string;
}

/** An event as GET /events/:id serves it: with its articles. */
export interface EventDetailView extends EventView {
  articles: ArticleView[];
}

/**
 * The body of GET /events/:id for a merged event (status 308, `Location: /events/<mergedInto>`):
 * `mergedInto` is the event it lives on as (the end of its chain of merges).
 */
export interface MergedEventView {
  id: string;
  mergedInto: string;
}

/** One page of a newest-first list. */
export interface Page<T> {
  /**
   * Up to `limit` items. A phrase search tests a bounded number of candidates per page, so its
   * page may hold fewer, or none, while `nextCursor` is not null.
   */
  items: T[];
  /** The `cursor` of the next page; null only when there are no more items. */
  nextCursor: string | null;
}
