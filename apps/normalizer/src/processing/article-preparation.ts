import {
  type CleanedArticle,
  type EventFeatures,
  type RawArticle,
  type SourceTemplate,
  type UnassignedFingerprint,
  cleanArticle,
  cleanArticleAsVisibleText,
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

/**
 * `page`: the full cleaning; `visible-text`: the page's visible text cleaned as a dump, the cheap
 * path for a page whose full cleaning ran out of time.
 */
export type PreparationMode = 'page' | 'visible-text';

/** Cleaning, then the fingerprint and event terms the decision reads: pure, synchronous, CPU only. */
export function prepareArticle(
  articleId: string,
  raw: RawArticle,
  template: SourceTemplate | undefined,
  mode: PreparationMode = 'page',
): PreparedArticle {
  const cleaning =
    mode === 'page' ? cleanArticle(raw, template) : cleanArticleAsVisibleText(raw, template);
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

const WARM_UP_PARAGRAPH =
  'The council met on Monday evening to vote on the harbour budget, which has been debated for months.';

/** Runs both cleaning paths once on a small built page: loads the HTML modules, warms the JIT. */
export function warmUpPreparation(): void {
  const page = `<html><head><title>Harbour budget</title></head><body><nav><a href="/">Home</a></nav><article><h1>Harbour budget</h1>${`<p>${WARM_UP_PARAGRAPH}</p>`.repeat(4)}</article></body></html>`;
  const raw: RawArticle = {
    url: 'https://example.com/news/harbour-budget',
    source: null,
    title: null,
    author: null,
    publishedAt: null,
    language: null,
    text: null,
    html: page,
    receivedAt: new Date().toISOString(),
  };
  prepareArticle('warm-up', raw, undefined);
  prepareArticle(
    'warm-up',
    { ...raw, html: null, text: `Harbour budget\n${WARM_UP_PARAGRAPH}` },
    undefined,
  );
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
