import { CLEANING_LIMITS, cleanArticle } from './clean-article';
import type { CleaningOutcome, RawArticle, SourceTemplate } from './cleaning.types';
import type * as HtmlExtractModule from './html-extract';
import { maxNestingDepth, stripNonContent } from './html-prepare';

interface ParsedBody {
  document: { body: Parameters<typeof HtmlExtractModule.blocksOf>[0] | null };
}

/** Loaded on first use, as in clean-article: linkedom's dependencies are ES modules. */
function htmlModules(): {
  blocksOf: typeof HtmlExtractModule.blocksOf;
  parseHTML: (html: string) => unknown;
} {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { blocksOf } = require('./html-extract') as typeof HtmlExtractModule;
  const { parseHTML } = require('linkedom') as { parseHTML: (html: string) => unknown };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { blocksOf, parseHTML };
}

/**
 * The cheap path for a page whose full cleaning ran out of time: its visible text blocks, one a
 * line, cleaned as a plain-text dump. No Readability and no metadata, so it costs a parse and one
 * walk of the DOM; the page limits of the HTML path apply. A text article is cleaned as usual.
 */
export function cleanArticleAsVisibleText(
  raw: RawArticle,
  template?: SourceTemplate,
): CleaningOutcome {
  if (raw.html === null || raw.html.trim().length === 0) return cleanArticle(raw, template);
  if (raw.html.length > CLEANING_LIMITS.maxHtmlChars) {
    return {
      kind: 'rejected',
      reason: `HTML larger than ${CLEANING_LIMITS.maxHtmlChars} characters`,
    };
  }
  const prepared = stripNonContent(raw.html).html;
  if (
    prepared.length > CLEANING_LIMITS.maxContentHtmlChars ||
    maxNestingDepth(prepared, CLEANING_LIMITS.maxNestingDepth) > CLEANING_LIMITS.maxNestingDepth
  ) {
    return { kind: 'rejected', reason: 'HTML too large or too deeply nested for its visible text' };
  }
  const { blocksOf, parseHTML } = htmlModules();
  const { body } = (parseHTML(prepared) as ParsedBody).document;
  const text = body !== null ? blocksOf(body, false).join('\n') : '';
  return cleanArticle({ ...raw, html: null, text }, template);
}
