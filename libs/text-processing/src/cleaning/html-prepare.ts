/**
 * Linear-time passes over raw HTML before any DOM is built: drop elements that never hold article
 * text (scripts, styles, SVG...), keep JSON-LD aside, and measure nesting depth so a pathological
 * page is refused before a recursive DOM walk could overflow the stack.
 */

const SKIPPED_ELEMENT =
  /<(script|style|svg|noscript|template|iframe|object|canvas|math)\b([^>]*)>|<!--/gi;
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
      const close = lower.indexOf(`</${tagName}`, contentStart);
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
