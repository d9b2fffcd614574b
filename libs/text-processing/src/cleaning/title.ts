import { dateOnlyLine, onlyDateWords, timestampLine } from './dates';
import type { FieldParams } from './field-params';
import { siteDomain } from './urls';

/** What tells the outlet's name apart from the rest of a headline. */
export interface OutletHints {
  /** og:site_name, the JSON-LD publisher, or the source the client named. */
  siteName: string | null;
  url: string | null;
  /**
   * `squashed` forms of the page's other lines: a site name printed on its own (the masthead), or
   * the headline repeated on its own (the page's h1) under a "Headline - Outlet" document title.
   */
  pageLines?: () => ReadonlySet<string>;
}

const SEPARATOR = /\s+(?:[|–—•·-]|::)\s+/gu;
const MAX_OUTLET_CHARS = 40;
const MAX_OUTLET_WORDS = 6;
const MIN_NAME_CHARS = 3;
const MIN_PREFIX_NAME_CHARS = 2;
/** Domain labels that name no outlet. */
const GENERIC_LABELS = new Set(['www', 'com', 'net', 'org', 'co', 'news', 'edu', 'gov', 'amp']);

/** Lower-case letters and digits only: "Sportsnet.ca" and "sportsnet ca" compare equal. */
export function squashed(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

function domainNames(url: string | null): string[] {
  const domain = siteDomain(url);
  if (domain === null) return [];
  const labels = domain.split('.');
  // The registrable name and anything before it ("edition.cnn.com" → "edition", "cnn").
  return labels
    .slice(0, Math.max(1, labels.length - 1))
    .filter((label) => label.length >= MIN_PREFIX_NAME_CHARS && !GENERIC_LABELS.has(label))
    .map(squashed);
}

/** "BBC News" names bbc.co.uk, "RT World News" rt.com, "WSJ" wsj.com. */
function namesOverlap(part: string, name: string, side: 'leading' | 'trailing'): boolean {
  if (part === name) return true;
  if (name.includes(part)) return part.length >= MIN_NAME_CHARS;
  // A leading "The Guardian view on ..." is the headline, a trailing "- Guardian News" the outlet.
  if (side === 'leading') return false;
  if (name.length >= MIN_NAME_CHARS && part.includes(name)) return true;
  return name.length >= MIN_PREFIX_NAME_CHARS && part.startsWith(name);
}

/**
 * A title part reads as the outlet when it is short and names the site (its og:site_name or
 * domain), or is printed on its own elsewhere on the page (the masthead): not any words after a
 * spaced hyphen, which headlines use too ("Hit - And - Run", "Rehab – Where She 'Knows Everyone'").
 */
function looksLikeOutlet(
  part: string,
  headline: string,
  hints: OutletHints,
  side: 'leading' | 'trailing',
): boolean {
  if (part.length === 0 || part.length > MAX_OUTLET_CHARS) return false;
  if (part.split(/\s+/).length > MAX_OUTLET_WORDS) return false;
  const key = squashed(part);
  if (key.length === 0) return false;
  const names = domainNames(hints.url);
  if (hints.siteName !== null) names.push(squashed(hints.siteName));
  if (names.some((name) => namesOverlap(key, name, side))) return true;
  // Collected only now: most titles are settled by the names above or have no separator at all.
  const lines = hints.pageLines?.();
  return lines !== undefined && (lines.has(key) || lines.has(squashed(headline)));
}

export interface SplitTitle {
  headline: string;
  /** The outlet's name cut from the title, or null when no part looked like it. */
  outlet: string | null;
}

/**
 * "Headline - Outlet", "Headline | Section | Outlet" or "Outlet: Headline" → the headline, when the
 * part cut looks like the outlet; otherwise the title stays whole.
 */
export function splitOutletFromTitle(title: string, hints: OutletHints): SplitTitle {
  const separators = [...title.matchAll(SEPARATOR)];
  if (separators.length === 0) return { headline: title, outlet: null };
  const last = separators[separators.length - 1];
  const lastIndex = last.index ?? 0;
  const trailing = title.slice(lastIndex + last[0].length).trim();
  const leadingEnd = separators[0].index ?? 0;
  const leading = title.slice(0, leadingEnd).trim();
  const beforeTrailing = title.slice(0, lastIndex).trim();
  if (beforeTrailing.length > 0 && looksLikeOutlet(trailing, beforeTrailing, hints, 'trailing')) {
    return { headline: beforeTrailing, outlet: trailing };
  }
  const afterLeading = title.slice(leadingEnd + separators[0][0].length).trim();
  if (leading.length > 0 && looksLikeOutlet(leading, afterLeading, hints, 'leading')) {
    return { headline: afterLeading, outlet: leading };
  }
  return { headline: title, outlet: null };
}

/**
 * A line that only stamps the page with a date, a time or their labels ("May 03, 2013",
 * "Updated 5:40 p.m. ET", "Mis à jour le 12/03/2025 à 14h12") is never the headline.
 */
export function isStampLine(line: string, receivedAt: string): boolean {
  // Tokenised text spaces out the punctuation of dates and times ("5: 40 p. m.", "05 / 02 / 2013").
  const joined = line
    .replace(/(\d)\s*([:/.-])\s*(?=\d)/g, '$1$2')
    .replace(/\b([ap])\.\s?m\./gi, '$1m');
  return (
    onlyDateWords(joined) ||
    timestampLine(joined, receivedAt) ||
    dateOnlyLine(joined, receivedAt) !== null
  );
}

const MIN_HEADLINE_WORDS = 3;
const MAX_HEADLINE_WORDS = 40;
const CLOSES_SENTENCE = /[.:;]["”’']?$/u;

/** A line that can be a headline: a few words, not a closed sentence, not a stamp. */
export function headlineLike(line: string, words: number, receivedAt: string): boolean {
  return (
    words >= MIN_HEADLINE_WORDS &&
    words <= MAX_HEADLINE_WORDS &&
    !CLOSES_SENTENCE.test(line) &&
    !isStampLine(line, receivedAt)
  );
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  quot: '"',
  apos: "'",
  lt: '<',
  gt: '>',
  nbsp: ' ',
  bull: '•',
  middot: '·',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

/** Structured data sometimes carries the headline still HTML-escaped ("&#8216;The Medium&#8217;"). */
export function decodeTitleEntities(title: string): string {
  if (!title.includes('&')) return title;
  return title.replace(
    /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi,
    (entity, dec, hex, name) => {
      if (typeof dec === 'string') return String.fromCodePoint(Number(dec));
      if (typeof hex === 'string') return String.fromCodePoint(parseInt(hex, 16));
      return NAMED_ENTITIES[(name as string).toLowerCase()] ?? entity;
    },
  );
}

/** What an HTML page offers as its title, raw (entities may be left in structured data). */
export interface TitleCandidates {
  jsonLd: string | null;
  og: string | null;
  twitter: string | null;
  document: string | null;
  /** The page's first few `<h1>` texts. */
  h1s: readonly string[];
}

const TITLE_WORD = /[\p{L}\p{N}]+/gu;
/** Markdown heading marks left in a rendered title ("## Heading"). */
const MARKDOWN_HEADING = /^#{1,6}\s+/;

/** Word stems short enough that "Certifications" and "Certificates" meet. */
const STEM_CHARS = 6;

function titleWords(text: string): Set<string> {
  const words = text.normalize('NFKC').toLowerCase().match(TITLE_WORD) ?? [];
  return new Set(words.map((word) => word.slice(0, STEM_CHARS)));
}

/** Dice overlap of two titles' word sets: 1 for the same words, 0 for none shared. */
export function titleAgreement(a: string, b: string): number {
  const left = titleWords(a);
  const right = titleWords(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  return (2 * shared) / (left.size + right.size);
}

function cleanTitle(title: string | null): string | null {
  if (title === null) return null;
  const text = decodeTitleEntities(title).replace(/\s+/g, ' ').replace(MARKDOWN_HEADING, '').trim();
  return text.length > 0 ? text : null;
}

/** A separator between a title's parts, a colon included ("Blog Name: Headline"). */
const PART_SEPARATOR = /^\s*(?:[|–—•·:-]|::)\s*/u;
/** "Title:AlignMerge ...": one label word glued to the text by a colon, no space after it. */
const GLUED_TITLE_LABEL = /^\p{L}{2,12}:(?=\p{L})/u;

/**
 * An `<h1>` that only names the site: og:site_name, or a part of a metadata title beside the
 * headline: the trailing part, shorter than the rest ("Cory Dransfeldt" under "A brief intro to
 * git • Cory Dransfeldt"), or the leading part when the rest is another metadata title
 * ("Engora Data Blog" under "Engora Data Blog: Small adventures..." beside og:title "Small
 * adventures...").
 */
function isMasthead(h1: string, rawTitles: readonly string[], hints: OutletHints): boolean {
  const key = squashed(h1);
  if (key.length === 0) return true;
  if (hints.siteName !== null && squashed(hints.siteName) === key) return true;
  const titleKeys = new Set(rawTitles.map(squashed));
  const name = h1.toLowerCase();
  return rawTitles.some((title) => {
    if (title.length <= h1.length) return false;
    const folded = title.toLowerCase();
    if (folded.startsWith(name)) {
      const separator = PART_SEPARATOR.exec(title.slice(h1.length));
      return (
        separator !== null && titleKeys.has(squashed(title.slice(h1.length + separator[0].length)))
      );
    }
    if (!folded.endsWith(name)) return false;
    const before = title.slice(0, title.length - h1.length);
    const rest = before.replace(/\s*(?:[|–—•·:-]|::)\s*$/u, '');
    return rest !== before && rest.trim().length > h1.length;
  });
}

/**
 * The page's headline. An `<h1>` that agrees with the metadata titles (shares most of their words
 * once the outlet's name is cut from them) is the headline as printed; an `<h1>` that names the
 * site is the masthead, and one that agrees with none is a section name or another story's,
 * unless it agrees better with the URL's slug than the metadata title does (`titleSlugMargin`).
 * Without one, the first metadata title (JSON-LD headline, og:title, twitter:title, `<title>`)
 * without its outlet part, unless another metadata title carries it in full (JSON-LD headlines
 * are often cut at 110 characters).
 */
export function chooseHtmlTitle(
  candidates: TitleCandidates,
  hints: OutletHints,
  params: Pick<FieldParams, 'h1Agreement' | 'titleSlugMargin'>,
): string | null {
  const rawTitles = [candidates.jsonLd, candidates.og, candidates.twitter, candidates.document]
    .map(cleanTitle)
    .filter((title): title is string => title !== null);
  const metadata = rawTitles.map((title) => splitOutletFromTitle(title, hints).headline || title);
  const h1s = candidates.h1s
    .map(cleanTitle)
    .filter((title): title is string => title !== null && !isMasthead(title, rawTitles, hints))
    .map((h1) => {
      // A glued label ("Title:Headline") goes when what follows it is a metadata title.
      const label = GLUED_TITLE_LABEL.exec(h1);
      if (label === null) return h1;
      const rest = squashed(h1.slice(label[0].length));
      return metadata.some((title) => squashed(title) === rest) ? h1.slice(label[0].length) : h1;
    });
  let best: string | null = null;
  let bestAgreement = 0;
  for (const h1 of h1s) {
    for (const title of metadata) {
      const agreement = titleAgreement(h1, title);
      if (agreement > bestAgreement) {
        bestAgreement = agreement;
        best = h1;
      }
    }
  }
  if (best !== null && bestAgreement >= params.h1Agreement) return best;
  const [first, ...others] = metadata;
  if (first === undefined) return h1s[0] ?? null;
  const key = squashed(first);
  const fuller = others.find((title) => {
    const other = squashed(title);
    return other.length > key.length && other.startsWith(key);
  });
  const chosen = fuller ?? first;
  // A lone h1 that disagrees with the metadata: the URL's slug tells which one the page is about.
  const slug = slugWords(hints.url);
  if (h1s.length === 1 && slug.length > 0) {
    const h1Slug = slugAgreement(h1s[0], slug);
    if (h1Slug > slugAgreement(chosen, slug) + params.titleSlugMargin) return h1s[0];
  }
  return chosen;
}

const SLUG_SEPARATOR = /[-_+]+|%20/;
const SLUG_EXTENSION = /\.(?:s?html?|php|aspx?|jsp)$/i;
const MIN_SLUG_WORDS = 3;

/**
 * The words of the page's slug: the last path segment of the URL that reads as words
 * ("/2025/09/04/top-nutrition-trends-for-fall/" → top, nutrition, trends, for, fall), or none.
 */
export function slugWords(url: string | null | undefined): string[] {
  if (!url) return [];
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return [];
  }
  const segments = path.split('/').filter((segment) => segment.length > 0);
  for (let index = segments.length - 1; index >= 0; index -= 1) {
    const words = segments[index]
      .replace(SLUG_EXTENSION, '')
      .split(SLUG_SEPARATOR)
      .map((word) => word.toLowerCase())
      .filter((word) => /^\p{L}+$/u.test(word) || /^\d{1,4}$/.test(word));
    if (words.length >= MIN_SLUG_WORDS) return words.slice(0, 40);
  }
  return [];
}

/** How much a line agrees with the slug (Dice overlap of word stems); 0 without a slug. */
export function slugAgreement(line: string, slug: readonly string[]): number {
  return slug.length === 0 ? 0 : titleAgreement(line, slug.join(' '));
}
