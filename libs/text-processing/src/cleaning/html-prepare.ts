/**
 * Linear-time passes over raw HTML before any DOM is built: drop elements that never hold article
 * text (scripts, styles, SVG..., and the navigation, aside and footer furniture, which also makes
 * the DOM smaller to build and walk), keep JSON-LD aside, and measure nesting depth so a pathological
 * page is refused before a recursive DOM walk could overflow the stack.
 */

const SKIPPED_TAGS =
  'script|style|svg|noscript|template|iframe|object|canvas|math|nav|aside|footer|select|button|textarea';
/** Containers whose class or id may mark them as furniture (inline elements are left alone). */
const CUTTABLE_TAGS = 'div|section|ul|ol|dl|form|header|table';
/**
 * The name ends at a space, `/` or `>`: a custom element ("<nav-manager>", "<select-panel>") is not
 * the tag its name starts with, and its end tag would never be found.
 */
const SKIPPED_ELEMENT = new RegExp(
  `<(${SKIPPED_TAGS}|${CUTTABLE_TAGS})(?=[\\s/>])([^>]*)>|<!--`,
  'gi',
);
const CUTTABLE_CONTAINERS = new Set(CUTTABLE_TAGS.split('|'));
const CLASS_OR_ID = /\s(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
/** Page furniture that can nest inside itself, so its end is found by counting. */
const NESTING_FURNITURE = new Set(['nav', 'aside', 'footer']);
const JSON_LD_TYPE = /type\s*=\s*["']?application\/ld\+json/i;
/** What the head keeps: the title, meta tags and the canonical link (JSON-LD is kept aside). */
const HEAD_ITEM =
  /<(script|style|noscript|template)\b([^>]*)>|<!--|<title\b[^>]*>|<meta\b[^>]*>|<link\b[^>]*>/gi;
const CANONICAL_LINK = /\brel\s*=\s*["']?canonical\b/i;
/** Class/id words of captions, comment threads, related-link rails, sharing bars, newsletter boxes, ads. */
const FURNITURE_WORDS = new Set([
  'caption',
  'captions',
  'credit',
  'credits',
  'comment',
  'comments',
  'disqus',
  'related',
  'share',
  'sharing',
  'sharebar',
  'social',
  'newsletter',
  'signup',
  'subscribe',
  'subscription',
  'promo',
  'recirc',
  'recirculation',
  'outbrain',
  'taboola',
  'sidebar',
  'breadcrumb',
  'breadcrumbs',
  'cookie',
  'cookies',
  'consent',
  'gdpr',
  'popup',
  'modal',
  'ad',
  'ads',
  'advert',
  'advertisement',
  'sponsor',
  'sponsored',
]);
/** Third-party widgets (comments, recommendation feeds): furniture whatever else the value says. */
const WIDGET_WORDS = new Set(['disqus', 'outbrain', 'taboola']);
/** Words naming the article's own container: "article-body", "entry-content", "comment-text". */
const BODY_WORDS = new Set([
  'article',
  'body',
  'content',
  'main',
  'entry',
  'story',
  'text',
  'post',
]);
/** "has-comments", "no-sidebar", "with-share": a state of the element, not what it is. */
const STATE_WORDS = new Set([
  'has',
  'with',
  'no',
  'is',
  'show',
  'hide',
  'enable',
  'enabled',
  'allow',
]);
const CLASS_PART = /[a-z0-9]+|[A-Z][a-z0-9]*/g;
/** The article's heading or body marker inside a candidate region vetoes the cut. */
const ARTICLE_MARKER = /<[hH]1[\s>]|[aA]rticle[bB]ody/g;
const PARAGRAPH_TAG = /<[pP][\s>]/g;
/** A region holding this many paragraphs and this share of the page's is never cut. */
const MIN_VETO_PARAGRAPHS = 4;
const VETO_PARAGRAPH_SHARE = 0.4;
/**
 * Characters that refused (or unclosed) candidate regions may have been scanned for, as a multiple
 * of the page length, before no more cuts are tried: keeps the pass linear on odd pages (say,
 * furniture-named wrappers nested around the h1).
 */
const REFUSED_SCAN_BUDGET = 2;
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>/g;
const VOID_OR_SELF_CLOSING = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  // Optional end tags: counting them would inflate depth on perfectly normal pages.
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
]);

/**
 * An opening tag this long carries a flood of attributes (or a huge data-* value). linkedom keeps
 * attributes in the element's child list, so each `firstChild` of such an element walks past all
 * of them: Readability's loops over a body with thousands of attributes turn quadratic. Such a tag
 * keeps only the attributes cleaning reads.
 */
const LONG_TAG = /<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]{4096,})>/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;
const READ_ATTRIBUTES = new Set([
  'class',
  'id',
  'style',
  'hidden',
  'aria-hidden',
  'aria-modal',
  'role',
  'itemprop',
  'itemtype',
  'lang',
  'dir',
  'href',
  'datetime',
  'content',
  'name',
  'property',
  'rel',
  'type',
]);

function withoutAttributeFloods(html: string): string {
  return html.replace(LONG_TAG, (_tag: string, name: string, attributes: string) => {
    let kept = '';
    const seen = new Set<string>();
    for (const attribute of attributes.matchAll(ATTRIBUTE)) {
      // The first of each name wins, as in the HTML parser.
      const attributeName = attribute[1].toLowerCase();
      if (!READ_ATTRIBUTES.has(attributeName) || seen.has(attributeName)) continue;
      seen.add(attributeName);
      kept += ` ${attribute[0]}`;
    }
    return `<${name}${kept}>`;
  });
}

export interface PreparedHtml {
  html: string;
  jsonLd: string[];
}

/**
 * Whether an element's class/id value names furniture: a word part (split at "-", "_" and case
 * changes) is a furniture word that is not the element's state ("has-comments") and no token names
 * the article's own container ("article-body", "entry-content"), unless the furniture word comes
 * after it ("article__comments", "post-share"). Third-party widget names always count.
 */
export function isFurnitureHint(value: string): boolean {
  let furniture = false;
  for (const token of value.split(/\s+/)) {
    if (token.length === 0) continue;
    const parts = token.match(CLASS_PART);
    if (parts === null) continue;
    let lastFurniture = -1;
    let lastBody = -1;
    for (let index = 0; index < parts.length; index += 1) {
      const part = parts[index].toLowerCase();
      if (WIDGET_WORDS.has(part)) return true;
      if (FURNITURE_WORDS.has(part)) {
        // "has-comments", "content-with-sidebar": a state of the element, not what it is.
        if (index === 0 || !STATE_WORDS.has(parts[index - 1].toLowerCase())) lastFurniture = index;
      } else if (BODY_WORDS.has(part)) {
        lastBody = index;
      }
    }
    if (lastBody > lastFurniture) return false;
    if (lastFurniture >= 0) furniture = true;
  }
  return furniture;
}

/** The class and id values of an opening tag's attributes, tested together. */
function hasFurnitureHint(attributes: string): boolean {
  if (attributes.length < 6) return false;
  let values = '';
  CLASS_OR_ID.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = CLASS_OR_ID.exec(attributes)) !== null) {
    values += ` ${match[1] ?? match[2] ?? match[3]}`;
  }
  return values.length > 0 && isFurnitureHint(values);
}

/**
 * Sorted positions of the article markers and of `<p>` tags, and the paragraphs' running text
 * length, found once per page when needed.
 */
class MarkerIndex {
  private markers: number[] | null = null;
  private paragraphs: number[] = [];
  /** `paragraphText[i]`: text characters (outside tags) of the paragraphs before the i-th. */
  private paragraphText: number[] = [];

  constructor(private readonly html: string) {}

  /**
   * Whether [start, end) may not be cut: it holds the page's h1 or article-body marker, or a good
   * share of its paragraphs, by count or by text (a wrapper around the article, whatever its class
   * says).
   */
  vetoes(start: number, end: number): boolean {
    if (this.markers === null) {
      this.markers = positions(this.html, ARTICLE_MARKER);
      this.paragraphs = positions(this.html, PARAGRAPH_TAG);
      this.paragraphText = paragraphTextSums(this.html, this.paragraphs);
    }
    if (countWithin(this.markers, start, end) > 0) return true;
    const first = lowerBound(this.paragraphs, start);
    const last = lowerBound(this.paragraphs, end);
    const paragraphs = last - first;
    if (paragraphs < MIN_VETO_PARAGRAPHS) return false;
    const text = this.paragraphText[last] - this.paragraphText[first];
    const pageText = this.paragraphText[this.paragraphs.length];
    return (
      paragraphs >= this.paragraphs.length * VETO_PARAGRAPH_SHARE ||
      text >= pageText * VETO_PARAGRAPH_SHARE
    );
  }
}

const PARAGRAPH_END = /<\/?[pP][\s>]/g;

/**
 * Running sums of the paragraphs' text length: each paragraph runs from its `<p>` to the next
 * `<p>` or `</p>`, and its characters inside tags do not count. The spans do not overlap, so the
 * page is read once.
 */
function paragraphTextSums(html: string, starts: readonly number[]): number[] {
  const sums = [0];
  for (const start of starts) {
    PARAGRAPH_END.lastIndex = start + 2;
    const end = PARAGRAPH_END.exec(html)?.index ?? html.length;
    let text = 0;
    let inTag = false;
    for (let index = start; index < end; index += 1) {
      const code = html.charCodeAt(index);
      if (code === 60) inTag = true;
      else if (code === 62) inTag = false;
      else if (!inTag && code > 32) text += 1;
    }
    sums.push(sums[sums.length - 1] + text);
  }
  return sums;
}

function positions(html: string, pattern: RegExp): number[] {
  const found: number[] = [];
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(html)) !== null) found.push(match.index);
  return found;
}

/** How many of the sorted positions fall in [start, end). */
function countWithin(sorted: readonly number[], start: number, end: number): number {
  return lowerBound(sorted, end) - lowerBound(sorted, start);
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function endOfTag(html: string, close: number): number {
  const closeEnd = close === -1 ? -1 : html.indexOf('>', close);
  return closeEnd === -1 ? html.length : closeEnd + 1;
}

const TAG_SEARCH = new Map<string, RegExp>();

/**
 * Case-insensitive search for `<name` / `</name` (with `close`) at a tag boundary from `from`;
 * cheaper than lower-casing a whole page, which is a copy of it.
 */
function findTag(html: string, name: string, from: number, close = true): number {
  const key = close ? `/${name}` : name;
  let search = TAG_SEARCH.get(key);
  if (search === undefined) {
    search = new RegExp(close ? `</${name}(?=[\\s/>])` : `<${name}(?=[\\s/>])`, 'gi');
    TAG_SEARCH.set(key, search);
  }
  search.lastIndex = from;
  return search.exec(html)?.index ?? -1;
}

function isJsonLd(tagName: string, attributes: string): boolean {
  return tagName === 'script' && JSON_LD_TYPE.test(attributes);
}

/**
 * The head reduced to what metadata needs (title, meta, canonical link); JSON-LD blocks go to
 * `jsonLd`. Returns the end of `</head>`, or -1 when the page has no well-formed head.
 */
function prepareHead(html: string, pieces: string[], jsonLd: string[], maxJsonLd: number): number {
  const headStart = findTag(html, 'head', 0, false);
  if (headStart === -1) return -1;
  const headClose = findTag(html, 'head', headStart);
  const bodyStart = findTag(html, 'body', headStart, false);
  if (headClose === -1 || (bodyStart !== -1 && bodyStart < headClose)) return -1;
  const headEnd = endOfTag(html, headClose);
  pieces.push(html.slice(0, headStart), '<head>');
  HEAD_ITEM.lastIndex = headStart;
  let match: RegExpExecArray | null;
  while ((match = HEAD_ITEM.exec(html)) !== null && match.index < headClose) {
    const item = match[0];
    let end = match.index + item.length;
    if (item === '<!--') {
      const close = html.indexOf('-->', match.index + 4);
      end = close === -1 ? html.length : close + 3;
    } else if (match[1] !== undefined) {
      const tagName = match[1].toLowerCase();
      const close = findTag(html, tagName, end);
      if (isJsonLd(tagName, match[2]) && jsonLd.length < maxJsonLd) {
        jsonLd.push(html.slice(end, close === -1 ? html.length : close));
      }
      end = endOfTag(html, close);
    } else if (item.charCodeAt(1) === 116 || item.charCodeAt(1) === 84) {
      // <title>: kept with its text.
      end = endOfTag(html, findTag(html, 'title', end));
      pieces.push(html.slice(match.index, end));
    } else if (
      item.charCodeAt(1) === 109 ||
      item.charCodeAt(1) === 77 ||
      CANONICAL_LINK.test(item)
    ) {
      pieces.push(item);
    }
    HEAD_ITEM.lastIndex = end;
  }
  pieces.push('</head>');
  return headEnd;
}

/**
 * Removes what never holds article text before a DOM is built: scripts, styles, embedded objects,
 * navigation, asides and footers, form controls, the head beyond its metadata, and containers whose
 * class or id marks them as comment threads, related links, sharing bars, newsletter boxes or ads
 * (unless they hold the page's h1 or article body). One left-to-right pass; each cut region is
 * skipped whole.
 */
export function stripNonContent(html: string, maxJsonLd = 20): PreparedHtml {
  const pieces: string[] = [];
  const jsonLd: string[] = [];
  const headEnd = prepareHead(html, pieces, jsonLd, maxJsonLd);
  let cursor = headEnd === -1 ? 0 : headEnd;
  const markers = new MarkerIndex(html);
  let refusedBudget = html.length * REFUSED_SCAN_BUDGET;
  SKIPPED_ELEMENT.lastIndex = cursor;
  let match: RegExpExecArray | null;
  while ((match = SKIPPED_ELEMENT.exec(html)) !== null) {
    const start = match.index;
    let end: number;
    if (match[0] === '<!--') {
      const close = html.indexOf('-->', start + 4);
      end = close === -1 ? html.length : close + 3;
    } else {
      const tagName = match[1].toLowerCase();
      const contentStart = start + match[0].length;
      if (CUTTABLE_CONTAINERS.has(tagName)) {
        // A container: cut it whole when its class or id names furniture.
        if (refusedBudget <= 0 || !hasFurnitureHint(match[2])) continue;
        const close = match[2].endsWith('/') ? -1 : matchingClose(html, tagName, contentStart);
        if (close === -1 || markers.vetoes(start, close)) {
          refusedBudget -= (close === -1 ? html.length : close) - start;
          continue;
        }
        end = endOfTag(html, close);
      } else {
        const close = NESTING_FURNITURE.has(tagName)
          ? matchingClose(html, tagName, contentStart)
          : findTag(html, tagName, contentStart);
        end = endOfTag(html, close);
        if (isJsonLd(tagName, match[2]) && jsonLd.length < maxJsonLd) {
          jsonLd.push(html.slice(contentStart, close === -1 ? html.length : close));
        }
      }
    }
    pieces.push(html.slice(cursor, start));
    cursor = end;
    SKIPPED_ELEMENT.lastIndex = end;
  }
  pieces.push(html.slice(cursor));
  return { html: withoutAttributeFloods(pieces.join(' ')), jsonLd };
}

const NESTING_SEARCH = new Map<string, RegExp>();

/** Start of the end tag closing an element opened before `from`, counting nested ones; -1 if none. */
function matchingClose(html: string, tagName: string, from: number): number {
  let search = NESTING_SEARCH.get(tagName);
  if (search === undefined) {
    search = new RegExp(`<(/?)${tagName}(?=[\\s/>])`, 'gi');
    NESTING_SEARCH.set(tagName, search);
  }
  search.lastIndex = from;
  let depth = 1;
  let match: RegExpExecArray | null;
  while ((match = search.exec(html)) !== null) {
    depth += match[1] === '/' ? -1 : 1;
    if (depth === 0) return match.index;
  }
  return -1;
}

/** Rough maximum element depth, counting only elements that need an end tag. */
export function maxNestingDepth(html: string, stopAt: number): number {
  let depth = 0;
  let maxDepth = 0;
  TAG.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TAG.exec(html)) !== null) {
    const name = match[2].toLowerCase();
    if (VOID_OR_SELF_CLOSING.has(name) || match[0].endsWith('/>')) continue;
    if (match[1] === '/') {
      depth = Math.max(0, depth - 1);
    } else {
      depth += 1;
      if (depth > maxDepth) {
        maxDepth = depth;
        if (maxDepth > stopAt) return maxDepth;
      }
    }
  }
  return maxDepth;
}
