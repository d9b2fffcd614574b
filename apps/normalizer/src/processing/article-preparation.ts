import {
  type CleanedArticle,
  type EventFeatures,
  type RawArticle,
  type SourceTemplate,
  type UnassignedFingerprint,
  cleanArticle,
  extractEventFeatures,
  fingerprintArticle,
} from '@newsflow/text-processing';

/** What the CPU-bound part of an article's processing yields: all plain data (crosses threads). */
export type PreparedArticle =
  | { kind: 'rejected'; reason: string }
  | {
      kind: 'article';
      article: CleanedArticle;
      fingerprint: UnassignedFingerprint;
      features: EventFeatures;
    };

/** Cleaning, then the fingerprint and event terms the decision reads: pure, synchronous, CPU only. */
export function prepareArticle(
  articleId: string,
  raw: RawArticle,
  template: SourceTemplate | undefined,
): PreparedArticle {
  const cleaning = cleanArticle(raw, template);
  if (cleaning.kind === 'rejected') return cleaning;
  const cleaned = cleaning.article;
  return {
    kind: 'article',
    article: cleaned,
    fingerprint: fingerprintArticle({
      articleId,
      canonicalUrl: cleaned.canonicalUrl,
      text: cleaned.text,
    }),
    features: extractEventFeatures({
      title: cleaned.title,
      text: cleaned.text,
      publishedAt: cleaned.publishedAt,
      language: cleaned.language,
    }),
  };
}

/**
 * Where `prepareArticle` runs. In worker threads it leaves the main thread to I/O: the awaits of
 * the decision's queries and of publisher confirms do not queue behind other articles' cleaning.
 */
export abstract class ArticlePreparer {
  abstract prepare(
    articleId: string,
    raw: RawArticle,
    template: SourceTemplate | undefined,
  ): Promise<PreparedArticle>;
}

/** Same thread: for tests and for running from TypeScript sources. */
export class InlineArticlePreparer extends ArticlePreparer {
  prepare(
    articleId: string,
    raw: RawArticle,
    template: SourceTemplate | undefined,
  ): Promise<PreparedArticle> {
    return Promise.resolve(prepareArticle(articleId, raw, template));
  }
}
