import type { CleanedArticle, CleaningOutcome, RawArticle, SourceTemplate } from './cleaning.types';
import { authorCard, authorNearHeadline, personNames, withoutOutletNames } from './author';
import { dateNearHeadline, parseDateText } from './dates';
import {
  analyzeLines,
  dumpLineVectors,
  dumpTitleTrainingCandidates,
  extractFromDump,
  htmlLineVectors,
  learnedHtmlParagraphs,
} from './dump-extract';
import type { LineFeatures } from './dump-extract';
import type { LineModel } from './line-model';
import { DEFAULT_BLOCK_MODEL, blockVectors } from './html-block-model';
import type { TitleCandidate } from './dump-title';
import type * as HtmlExtractModule from './html-extract';
import type { HtmlMetadata } from './html-metadata';
import { maxNestingDepth, stripNonContent } from './html-prepare';
import { DEFAULT_FIELD_PARAMS, type FieldParams } from './field-params';
import { detectLanguage } from './language';
import { templateLineKey } from './template';
import { chooseHtmlTitle, headlineLike, splitOutletFromTitle, squashed } from './title';
import {
  garbageRatio,
  joinParagraphs,
  normalizeLine,
  normalizedLines,
  SENTENCE_END,
} from './text-normalize';
import { dateFromUrl } from './url-date';
import { normalizeUrl, siteDomain } from './urls';

/** Work caps: past these the page is refused rather than processed slowly. */
export const CLEANING_LIMITS = {
  maxHtmlChars: 12_000_000,
  maxContentHtmlChars: 3_000_000,
  maxTextChars: 2_000_000,
  maxNestingDepth: 1_500,
  /**
   * Readability's cost grows with depth × size (it measures each container's whole subtree, up
   * every level); real pages nest 15-50 deep. Deeper pages skip it: the line classifier reads the
   * page's text blocks, as it does when Readability finds nothing.
   */
  maxReadabilityDepth: 128,
  minArticleChars: 80,
  maxGarbageRatio: 0.02,
  garbageSampleChars: 65_536,
} as const;

let htmlExtractModule: typeof HtmlExtractModule | null = null;

/**
 * linkedom's dependencies are ES modules: plain Node (≥ 20.19) loads them, but Jest's CommonJS
 * runtime cannot, so the HTML path is loaded on first use and text cleaning never depends on it.
 */
function htmlExtract(): typeof HtmlExtractModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  htmlExtractModule ??= require('./html-extract') as typeof HtmlExtractModule;
  return htmlExtractModule;
}

const STARTS_LOWERCASE = /^\p{Ll}/u;
const ERROR_PAGE =
  /\b(?:404|page not found|not found|access denied|forbidden|server error|page (?:does not|doesn't) exist|no longer available)\b/i;
const MAX_TEMPLATE_LINE = 500;

type Extracted = Omit<CleanedArticle, 'source' | 'url' | 'canonicalUrl' | 'language'> & {
  siteName: string | null;
  language: string | null;
  canonicalCandidates: Array<string | null>;
};

function rejected(reason: string): CleaningOutcome {
  return { kind: 'rejected', reason };
}

/** Hard-wrapped text: a line that stops mid-sentence and a next line starting in lower case are one paragraph. */
function unwrapLines(lines: readonly string[]): string[] {
  const result: string[] = [];
  for (const line of lines) {
    const previous = result[result.length - 1];
    if (
      previous !== undefined &&
      previous.length >= 40 &&
      line.length > 0 &&
      !SENTENCE_END.test(previous) &&
      STARTS_LOWERCASE.test(line)
    ) {
      result[result.length - 1] = `${previous} ${line}`;
    } else {
      result.push(line);
    }
  }
  return result;
}

function keysOf(lines: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const line of lines) {
    if (line.length === 0 || line.length > MAX_TEMPLATE_LINE) continue;
    const key = templateLineKey(line);
    if (key.length > 0) keys.add(key);
  }
  return [...keys];
}

/**
 * Text that is already an article (every line reads as prose, no furniture) is passed through
 * whole, so nothing a client cleaned itself is lost.
 */
function alreadyClean(features: readonly LineFeatures[]): boolean {
  if (features.length === 0) return false;
  let nonProse = 0;
  let previousNonProse = false;
  for (const line of features) {
    if (line.furniture || line.glued) return false;
    const isNonProse = !line.prose || line.truncated;
    if (isNonProse) {
      if (previousNonProse) return false;
      nonProse += 1;
    }
    previousNonProse = isNonProse;
  }
  return nonProse <= Math.max(1, features.length * 0.2);
}

/** A clean text that opens with a short line standing alone above prose opens with its headline. */
function openingHeadline(features: readonly LineFeatures[], receivedAt: string): boolean {
  const [first, second] = features;
  return (
    first !== undefined &&
    second !== undefined &&
    second.group !== first.group &&
    !first.prose &&
    headlineLike(first.text, first.words, receivedAt)
  );
}

function languageSample(lines: readonly string[]): string {
  const long = lines.filter((line) => line.length >= 60);
  return (long.length > 0 ? long : lines).join('\n');
}

/** Options of `cleanArticle` for measuring: the learned line model to use (null: the rules alone). */
export interface CleaningOptions {
  lineModel?: LineModel | null;
  /** A learned line model for the HTML path; none by default (Readability and its filters). */
  htmlLineModel?: LineModel | null;
  /** The field rules' parameters (default `DEFAULT_FIELD_PARAMS`). */
  fieldParams?: Readonly<FieldParams>;
  /**
   * The HTML path's learned block model (default `DEFAULT_BLOCK_MODEL`, the committed one); null:
   * Readability's filtered paragraphs alone.
   */
  htmlBlockModel?: LineModel | null;
}

function textLines(
  raw: RawArticle,
  text: string,
  template?: SourceTemplate,
): {
  lines: string[];
  knownTitle: string | null;
  language: string | null;
  features: LineFeatures[];
} {
  const lines = unwrapLines(normalizedLines(text));
  const knownTitle = raw.title !== null ? normalizeLine(raw.title) || null : null;
  const language = detectLanguage(languageSample(lines));
  return { lines, knownTitle, language, features: analyzeLines(lines, language, template) };
}

/**
 * The lines of a posted text dump with the learned classifier's feature vectors, or null when the
 * text is passed through whole (already clean). For training the line model.
 */
export function dumpTrainingLines(
  raw: RawArticle,
): { texts: string[]; vectors: Float64Array; ruleSelected: boolean[] } | null {
  if (raw.text === null || raw.text.length > CLEANING_LIMITS.maxTextChars) return null;
  const { lines, knownTitle, language, features } = textLines(raw, raw.text);
  if (alreadyClean(features)) return null;
  return dumpLineVectors(
    lines,
    { receivedAt: raw.receivedAt, language, knownTitle, url: raw.url },
    features,
  );
}

/**
 * The lines of a posted text dump that could be its headline, with the headline ranker's feature
 * vectors, or null when the text is passed through whole (already clean). For training the ranker.
 */
export function dumpTitleTraining(raw: RawArticle): TitleCandidate[] | null {
  if (raw.text === null || raw.text.length > CLEANING_LIMITS.maxTextChars) return null;
  const { lines, knownTitle, language, features } = textLines(raw, raw.text);
  if (alreadyClean(features)) return null;
  return dumpTitleTrainingCandidates(
    lines,
    { receivedAt: raw.receivedAt, language, knownTitle, url: raw.url },
    features,
  );
}

/**
 * The text blocks of a posted HTML page with the block model's feature vectors and the paragraphs
 * Readability and its filters keep, for training the block model.
 */
export function htmlBlockTraining(raw: RawArticle): {
  texts: string[];
  vectors: Float64Array;
  furniture: boolean[];
  inContent: Float64Array;
  readabilityParagraphs: string[];
} | null {
  if (raw.html === null || raw.html.length > CLEANING_LIMITS.maxHtmlChars) return null;
  const prepared = stripNonContent(raw.html);
  if (prepared.html.length > CLEANING_LIMITS.maxContentHtmlChars) return null;
  const depth = maxNestingDepth(prepared.html, CLEANING_LIMITS.maxNestingDepth);
  if (depth > CLEANING_LIMITS.maxReadabilityDepth) return null;
  const extraction = htmlExtract().extractFromHtml(prepared.html, prepared.jsonLd, raw.receivedAt, {
    readability: true,
    blockModel: null,
    keepBlockInput: true,
  });
  const input = extraction.blockInput ?? null;
  if (input === null) return null;
  return {
    texts: [...input.texts],
    vectors: blockVectors(input),
    furniture: [...input.furniture],
    inContent: input.inContent,
    readabilityParagraphs: extraction.paragraphs,
  };
}

/** The lines of a posted HTML page with the HTML line model's feature vectors, for training it. */
export function htmlTrainingLines(
  raw: RawArticle,
): { texts: string[]; vectors: Float64Array } | null {
  if (raw.html === null || raw.html.length > CLEANING_LIMITS.maxHtmlChars) return null;
  const prepared = stripNonContent(raw.html);
  if (prepared.html.length > CLEANING_LIMITS.maxContentHtmlChars) return null;
  const extraction = htmlExtract().extractFromHtml(prepared.html, prepared.jsonLd, raw.receivedAt);
  const pageLines = extraction.pageLines();
  return htmlLineVectors(
    pageLines,
    {
      receivedAt: raw.receivedAt,
      language: extraction.metadata.language ?? detectLanguage(languageSample(pageLines)),
      knownTitle: extraction.metadata.title,
      url: raw.url,
    },
    {
      readabilityParagraphs: extraction.paragraphs,
      linkShares: extraction.pageLinkShares(),
    },
  );
}

function fromText(
  raw: RawArticle,
  text: string,
  template: SourceTemplate | undefined,
  options: CleaningOptions,
): Extracted | string {
  if (text.length > CLEANING_LIMITS.maxTextChars) {
    return `text larger than ${CLEANING_LIMITS.maxTextChars} characters`;
  }
  const { lines, knownTitle, language, features } = textLines(raw, text, template);
  if (alreadyClean(features)) {
    const paragraphs = features.map((line) => line.text);
    let title = knownTitle;
    if (knownTitle !== null && paragraphs[0] === knownTitle) paragraphs.shift();
    else if (knownTitle === null && openingHeadline(features, raw.receivedAt)) {
      title = paragraphs.shift() ?? null;
    }
    return {
      title,
      author: null,
      publishedAt: null,
      siteName: null,
      language,
      text: joinParagraphs(paragraphs),
      templateKeys: [...new Set(features.map((line) => line.templateKey).filter(Boolean))],
      canonicalCandidates: [],
    };
  }
  const dump = extractFromDump(
    lines,
    {
      receivedAt: raw.receivedAt,
      language,
      knownTitle,
      template,
      url: raw.url,
      lineModel: options.lineModel,
      fieldParams: options.fieldParams,
    },
    features,
  );
  return {
    title: dump.title,
    author: dump.author,
    publishedAt: dump.publishedAt,
    siteName: dump.siteName,
    language: dump.language,
    text: joinParagraphs(dump.paragraphs),
    templateKeys: dump.templateKeys,
    canonicalCandidates: [],
  };
}

function fromHtml(
  raw: RawArticle,
  html: string,
  template: SourceTemplate | undefined,
  options: CleaningOptions,
): Extracted | string {
  if (html.length > CLEANING_LIMITS.maxHtmlChars) {
    return `HTML larger than ${CLEANING_LIMITS.maxHtmlChars} characters`;
  }
  const prepared = stripNonContent(html);
  if (prepared.html.length > CLEANING_LIMITS.maxContentHtmlChars) {
    return `HTML content larger than ${CLEANING_LIMITS.maxContentHtmlChars} characters after removing scripts and styles`;
  }
  const depth = maxNestingDepth(prepared.html, CLEANING_LIMITS.maxNestingDepth);
  if (depth > CLEANING_LIMITS.maxNestingDepth) {
    return `HTML nested deeper than ${CLEANING_LIMITS.maxNestingDepth} levels`;
  }
  const fieldParams = options.fieldParams ?? DEFAULT_FIELD_PARAMS;
  const extraction = htmlExtract().extractFromHtml(prepared.html, prepared.jsonLd, raw.receivedAt, {
    readability: depth <= CLEANING_LIMITS.maxReadabilityDepth,
    fieldParams,
    blockModel: options.htmlBlockModel === undefined ? DEFAULT_BLOCK_MODEL : options.htmlBlockModel,
  });
  const { metadata } = extraction;
  const pageLines = extraction.pageLines();
  const learned =
    options.htmlLineModel === undefined || options.htmlLineModel === null
      ? null
      : learnedHtmlParagraphs(
          pageLines,
          {
            receivedAt: raw.receivedAt,
            language: metadata.language ?? detectLanguage(languageSample(pageLines)),
            knownTitle: metadata.title,
            template,
            url: raw.url,
            lineModel: options.htmlLineModel,
          },
          { readabilityParagraphs: extraction.paragraphs, linkShares: extraction.pageLinkShares() },
        );
  let paragraphs = learned ?? extraction.paragraphs;
  let author = metadata.author;
  let publishedAt = metadata.publishedAt;
  const readabilityChars = paragraphs.reduce((total, paragraph) => total + paragraph.length, 0);
  if (template !== undefined && template.boilerplateKeys.size > 0) {
    paragraphs = paragraphs.filter(
      (paragraph) => !template.boilerplateKeys.has(templateLineKey(paragraph)),
    );
  }
  if (learned === null && readabilityChars < 200) {
    // Readability found (almost) nothing: the line classifier gets the whole page.
    const dump = extractFromDump(pageLines, {
      receivedAt: raw.receivedAt,
      language: metadata.language ?? detectLanguage(languageSample(pageLines)),
      knownTitle: metadata.title,
      template,
      url: raw.url,
      lineModel: options.lineModel,
      fieldParams,
    });
    const dumpChars = dump.paragraphs.reduce((total, paragraph) => total + paragraph.length, 0);
    if (dumpChars > readabilityChars) paragraphs = dump.paragraphs;
    author ??= dump.author;
    publishedAt ??= dump.publishedAt;
  }
  const title = htmlTitle(metadata, raw.url, pageLines, fieldParams);
  // A block's own line breaks (`<br>`) part the headline from its date and byline.
  const lines = printedLines(pageLines);
  const headlineAt = headlineIndex(lines, title, metadata.titleCandidates.h1s);
  const shownDate = (): string | null => dateNearHeadline(lines, headlineAt, raw.receivedAt);
  author ??= authorNearHeadline(lines, headlineAt) ?? authorCard(lines);
  author ??= siteOwner(metadata, raw.url);
  author = withoutOutletNames(author, outletKeys(metadata.siteName, raw.url));
  publishedAt = fieldParams.visibleDateFirst
    ? (shownDate() ?? publishedAt)
    : (publishedAt ?? shownDate());
  return {
    title,
    author,
    publishedAt,
    siteName: metadata.siteName,
    language: metadata.language,
    text: joinParagraphs(paragraphs),
    templateKeys: keysOf(pageLines),
    canonicalCandidates: [metadata.canonicalUrl, metadata.ogUrl],
  };
}

/** The outlet's names (og:site_name, the domain's labels), squashed. */
function outletKeys(siteName: string | null, url: string | null): string[] {
  const keys = siteName !== null ? [squashed(siteName)] : [];
  const domain = siteDomain(url);
  if (domain !== null) keys.push(squashed(domain.split('.').slice(0, -1).join('')));
  return keys.filter((key) => key.length > 0);
}

/** The page's blocks cut at their own line breaks, blank parts dropped. */
function printedLines(blocks: readonly string[]): string[] {
  const lines: string[] = [];
  for (const block of blocks) {
    if (!block.includes('\n')) {
      lines.push(block);
      continue;
    }
    for (const part of block.split('\n')) {
      const line = part.trim();
      if (line.length > 0) lines.push(line);
    }
  }
  return lines;
}

/**
 * Where the headline stands among the page's lines (-1 when it is not printed on its own): the
 * chosen title's line, else the first `<h1>`'s (the title came from metadata worded otherwise).
 */
function headlineIndex(
  lines: readonly string[],
  title: string | null,
  h1s: readonly string[],
): number {
  const keys = [title, ...h1s]
    .filter((text): text is string => text !== null)
    .map(squashed)
    .filter((key) => key.length > 0);
  for (const key of keys) {
    const index = lines.findIndex((line) => squashed(line) === key);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * On a personal site the outlet part of the document title is its author ("Go ahead, self-host
 * Postgres | Pierce Freeman" on pierce.dev): a person's name whose first or last name is in the
 * domain.
 */
function siteOwner(metadata: HtmlMetadata, url: string | null): string | null {
  const domain = siteDomain(url);
  const title = metadata.titleCandidates.document ?? metadata.titleCandidates.og;
  if (domain === null || title === null) return null;
  const outlet = splitOutletFromTitle(title, { siteName: metadata.siteName, url }).outlet;
  const name = personNames(outlet);
  if (name === null || name.includes(',')) return null;
  const host = squashed(domain);
  return name.split(' ').some((word) => word.length >= 4 && host.includes(squashed(word)))
    ? name
    : null;
}

/** The page's headline: `<h1>` or metadata, without an "- Outlet" part that names the site. */
function htmlTitle(
  metadata: HtmlMetadata,
  url: string | null,
  pageLines: readonly string[],
  params: Readonly<FieldParams>,
): string | null {
  const mastheads = (): ReadonlySet<string> => new Set(pageLines.map(squashed));
  return chooseHtmlTitle(
    metadata.titleCandidates,
    { siteName: metadata.siteName, url, pageLines: mastheads },
    params,
  );
}

function clientLanguage(value: string | null): string | null {
  if (value === null) return null;
  const match = /^\s*([a-zA-Z]{2})(?:[-_]|\s*$)/.exec(value);
  return match !== null ? match[1].toLowerCase() : null;
}

function nonEmpty(value: string | null): string | null {
  if (value === null) return null;
  const normalized = normalizeLine(value);
  return normalized.length > 0 ? normalized : null;
}

/**
 * Turns a scraped page (HTML or a plain-text dump) or an already clean article into its body text
 * and fields. Synchronous and pure; the optional template carries the source's known boilerplate.
 */
export function cleanArticle(
  raw: RawArticle,
  template?: SourceTemplate,
  options: CleaningOptions = {},
): CleaningOutcome {
  const html = raw.html !== null && raw.html.trim().length > 0 ? raw.html : null;
  const text = raw.text !== null && raw.text.trim().length > 0 ? raw.text : null;
  const body = html ?? text;
  if (body === null) return rejected('empty body: neither text nor html holds any content');
  const sample = body.slice(0, CLEANING_LIMITS.garbageSampleChars);
  if (garbageRatio(sample) > CLEANING_LIMITS.maxGarbageRatio) {
    return rejected('binary or undecodable body (control characters or invalid UTF-8)');
  }

  const extracted =
    html !== null ? fromHtml(raw, html, template, options) : fromText(raw, body, template, options);
  if (typeof extracted === 'string') return rejected(extracted);

  const title = nonEmpty(raw.title) ?? extracted.title;
  if (extracted.text.length < CLEANING_LIMITS.minArticleChars) {
    const looksLikeError = title !== null && ERROR_PAGE.test(title);
    return rejected(
      looksLikeError
        ? `error page ("${title.slice(0, 80)}"), no article text`
        : 'no article text found (navigation, section front or script-only page)',
    );
  }
  if (title !== null && ERROR_PAGE.test(title) && extracted.text.length < 600) {
    return rejected(`error page ("${title.slice(0, 80)}"), no article text`);
  }

  const url = normalizeUrl(raw.url);
  let canonicalUrl: string | null = null;
  for (const candidate of extracted.canonicalCandidates) {
    canonicalUrl = normalizeUrl(candidate, url);
    if (canonicalUrl !== null) break;
  }
  const clientDate =
    raw.publishedAt !== null ? parseDateText(raw.publishedAt, raw.receivedAt) : null;
  // The URL is the last resort: a day in the path is the outlet's local day, not an instant.
  const publishedAt = clientDate ?? extracted.publishedAt ?? dateFromUrl(url, raw.receivedAt);

  return {
    kind: 'article',
    article: {
      title,
      author: nonEmpty(raw.author) ?? extracted.author,
      publishedAt,
      language:
        clientLanguage(raw.language) ?? extracted.language ?? detectLanguage(extracted.text),
      source: nonEmpty(raw.source) ?? extracted.siteName ?? siteDomain(url),
      url,
      canonicalUrl: canonicalUrl ?? url,
      text: extracted.text,
      templateKeys: extracted.templateKeys,
    },
  };
}
