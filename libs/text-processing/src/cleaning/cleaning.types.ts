/** What the normalizer hands to the cleaning step: the article as the client sent it. */
export interface RawArticle {
  url: string | null;
  source: string | null;
  title: string | null;
  author: string | null;
  /** As the client sent it (any format); the cleaning step parses it. */
  publishedAt: string | null;
  language: string | null;
  /** A plain-text page dump, or already clean text. */
  text: string | null;
  /** A whole saved HTML page. */
  html: string | null;
  /** ISO-8601 time ingest accepted it; the reference for relative dates and year-less datelines. */
  receivedAt: string;
}

/** Per-source boilerplate memory, already loaded by the caller (the normalizer keeps it in Postgres). */
export interface SourceTemplate {
  /** Keys (see `templateLineKey`) of lines known to recur across many pages of this source. */
  boilerplateKeys: ReadonlySet<string>;
}

export interface CleanedArticle {
  title: string | null;
  author: string | null;
  /** UTC ISO-8601, or null when unknown (never invented). */
  publishedAt: string | null;
  /** ISO 639-1 */
  language: string | null;
  source: string | null;
  url: string | null;
  canonicalUrl: string | null;
  /** Paragraphs separated by one blank line, plain text. */
  text: string;
  /** Keys of the page's candidate lines, to be counted into the source's template memory. */
  templateKeys: string[];
}

export type CleaningOutcome =
  { kind: 'article'; article: CleanedArticle } | { kind: 'rejected'; reason: string };
