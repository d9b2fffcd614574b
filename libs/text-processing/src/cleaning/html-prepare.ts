/**
 * Linear-time passes over raw HTML before any DOM is built: drop elements that never hold article
 * text (scripts, styles, SVG..., and the navigation, aside and footer furniture, which also makes
 * the DOM smaller to build and walk), keep JSON-LD aside, and measure nesting depth so a pathological
 * page is refused before a recursive DOM walk could overflow the stack.
 */

const SKIPPED_ELEMENT =
  /<(script|style|svg|noscript|template|iframe|object|canvas|math|nav|aside|footer)\b([^>]*)>|<!--/gi;
/** Page furniture that can nest inside itself, so its end is found by counting. */
const NESTING_FURNITURE = new Set(['nav', 'aside', 'footer']);
const JSON_LD_TYPE = /type\s*=\s*["']?application\/ld\+json/i;
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

export interface PreparedHtml {
  html: string;
  jsonLd: string[];
}

export function stripNonContent(html: string, maxJsonLd = 20): PreparedHtml {
  const lower = html.toLowerCase();
  const pieces: string[] = [];
  const jsonLd: string[] = [];
  let cursor = 0;
  SKIPPED_ELEMENT.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = SKIPPED_ELEMENT.exec(html)) !== null) {
    pieces.push(html.slice(cursor, match.index));
    let end: number;
    if (match[0] === '<!--') {
      const close = lower.indexOf('-->', match.index + 4);
      end = close === -1 ? html.length : close + 3;
    } else {
      const tagName = match[1].toLowerCase();
      const contentStart = match.index + match[0].length;
      const close = NESTING_FURNITURE.has(tagName)
        ? matchingClose(lower, tagName, contentStart)
        : lower.indexOf(`</${tagName}`, contentStart);
      const closeEnd = close === -1 ? -1 : lower.indexOf('>', close);
      end = closeEnd === -1 ? html.length : closeEnd + 1;
      if (tagName === 'script' && JSON_LD_TYPE.test(match[2]) && jsonLd.length < maxJsonLd) {
        jsonLd.push(html.slice(contentStart, close === -1 ? html.length : close));
      }
    }
    cursor = end;
    SKIPPED_ELEMENT.lastIndex = end;
  }
  pieces.push(html.slice(cursor));
  return { html: pieces.join(' '), jsonLd };
}

/** Start of the end tag closing an element opened before `from`, counting nested ones; -1 if none. */
function matchingClose(lower: string, tagName: string, from: number): number {
  const open = `<${tagName}`;
  const close = `</${tagName}`;
  let depth = 1;
  let cursor = from;
  while (depth > 0) {
    const nextClose = lower.indexOf(close, cursor);
    if (nextClose === -1) return -1;
    const nextOpen = lower.indexOf(open, cursor);
    if (nextOpen !== -1 && nextOpen < nextClose && isTagBoundary(lower, nextOpen + open.length)) {
      depth += 1;
      cursor = nextOpen + open.length;
    } else {
      depth -= 1;
      cursor = nextClose + close.length;
      if (depth === 0) return nextClose;
    }
  }
  return -1;
}

function isTagBoundary(lower: string, index: number): boolean {
  const code = lower.charCodeAt(index);
  return code === 62 || code === 47 || code === 32 || code === 9 || code === 10 || code === 13;
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
