/**
 * Title quality of the cleaning step on the eval sets beside the repo (../shared/eval):
 * `cleanArticle` runs on every ECB+ text (with its URL, as clients post it) and on every page of
 * the extraction set (HTML and dump forms), and each extracted title is judged against the page's
 * own headline.
 *
 *   npm run eval:titles [-- --show stamp,cut,outlet,empty,other]
 *
 * References (the judge is independent of the cleaning code: its own stamp test, no shared rules):
 * - ECB+ "ecbplus" documents open with their headline, sometimes after a date line: the first
 *   paragraph that is not a date/time stamp, when it reads as a headline (≤ 30 words, no closing
 *   full stop). The older "ecb" documents mostly start with the body: a first paragraph of ≤ 20
 *   words without closing punctuation is their headline, otherwise they have none.
 * - Extraction pages: the `<h1>` that the `<title>` or og:title repeats, else og:title, else `<title>`.
 * Kinds of wrong title: `stamp` (only a date/time/byline stamp), `cut` (a strict part of the
 * headline), `outlet` (the outlet's name instead of the headline), `empty` (none although the page
 * has one), `other` (another line: a standfirst, a quote). `acceptable` adds to `exact` the
 * headline with the outlet's name still attached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cleanArticle } from '../libs/text-processing/src/cleaning';
import type { RawArticle } from '../libs/text-processing/src/cleaning';
import { type EcbArticle, evalDirectory } from './eval-events';
import { evalRawArticle } from './support/eval-raw-article';

export type TitleVerdict = 'exact' | 'suffixed' | 'stamp' | 'cut' | 'outlet' | 'empty' | 'other';

export interface TitleCase {
  id: string;
  /** The page's headline, or null when it has none (then only stamp titles count as wrong). */
  reference: string | null;
  /** Text the page's own `<title>` adds around the headline (the outlet's name), when known. */
  outletText: string | null;
  url: string | null;
  title: string | null;
}

const WORD = /[\p{L}\p{N}]+/gu;
const MONTH =
  /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)(?:[a-z]*)$|^(?:januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)$/;
const WEEKDAY =
  /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?$|^(?:tuesday|wednesday|thursday|saturday)$|^(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo)$/;
const STAMP_WORD =
  /^(?:posted|published|updated|last|first|created|edited|modified|story|time|release|on|at|am|pm|a|p|m|et|est|edt|ct|cst|cdt|pt|pst|pdt|mt|akdt|gmt|bst|utc|ist|cest|cet|uk|the|of|th|st|nd|rd|h|uhr|le|el|de|am|um|mis|à|jour|actualizado|aktualisiert|publié|publicado|veröffentlicht)$/;

function words(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).filter(Boolean);
}

/** Only date, time, zone and "Posted/Updated" words: a stamp line, not a headline. */
export function isStampLine(text: string): boolean {
  const tokens = words(text);
  if (tokens.length === 0) return false;
  let dated = false;
  for (const token of tokens) {
    if (/^\d/.test(token) || MONTH.test(token)) {
      dated = true;
      continue;
    }
    if (WEEKDAY.test(token) || STAMP_WORD.test(token)) continue;
    return false;
  }
  return dated;
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    for (let index = 0; index < needle.length; index += 1) {
      if (haystack[start + index] !== needle[index]) continue outer;
    }
    return true;
  }
  return false;
}

function hostWords(url: string | null): string {
  if (url === null) return '';
  try {
    return new URL(url).hostname.toLowerCase().replace(/[^a-z0-9]/g, '');
  } catch {
    return '';
  }
}

const MAX_OUTLET_WORDS = 6;

export function judgeTitle(item: TitleCase): TitleVerdict {
  const title = item.title === null ? [] : words(item.title);
  if (title.length === 0) return item.reference === null ? 'exact' : 'empty';
  if (isStampLine(item.title ?? '')) return 'stamp';
  if (item.reference === null) return 'exact';
  const reference = words(item.reference);
  const joined = title.join(' ');
  if (joined === reference.join(' ')) return 'exact';
  // A reference taken from og:title may still carry the outlet ("Headline - Digg").
  const separators = [...item.reference.matchAll(/\s+[|–—-]\s+/g)];
  const lastSeparator = separators[separators.length - 1];
  if (
    lastSeparator !== undefined &&
    words(item.reference.slice(0, lastSeparator.index)).join(' ') === joined
  ) {
    return 'exact';
  }
  if (containsRun(title, reference) && title.length - reference.length <= MAX_OUTLET_WORDS) {
    return 'suffixed';
  }
  if (containsRun(reference, title)) return 'cut';
  const outlet = item.outletText !== null ? words(item.outletText) : [];
  const host = hostWords(item.url);
  if (
    (outlet.length > 0 && containsRun(outlet, title)) ||
    (title.length <= 3 && host.includes(title.join('')))
  ) {
    return 'outlet';
  }
  return 'other';
}

function paragraphsOf(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
}

function ecbReference(article: EcbArticle): string | null {
  const paragraphs = paragraphsOf(article.text);
  if (article.doc.endsWith('ecbplus.xml')) {
    const first = paragraphs.slice(0, 3).find((paragraph) => !isStampLine(paragraph));
    if (first === undefined) return null;
    return words(first).length <= 30 && !/\.$/.test(first) ? first : null;
  }
  const first = paragraphs[0] ?? '';
  return words(first).length <= 20 && !/[.!"”:]$/.test(first) ? first : null;
}

function extractedTitle(article: RawArticle): string | null {
  const outcome = cleanArticle(article);
  return outcome.kind === 'article' ? outcome.article.title : null;
}

export function ecbTitleCases(): TitleCase[] | null {
  const file = join(evalDirectory(), 'ecbplus-dev.jsonl');
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as EcbArticle)
    .map((article) => ({
      id: article.doc,
      reference: ecbReference(article),
      outletText: null,
      url: article.url,
      title: extractedTitle(evalRawArticle({ url: article.url, text: article.text })),
    }));
}

/** One line of ../shared/eval/pages-dev.jsonl.gz. */
export interface EvalPage {
  key: string;
  url: string;
  html: string;
  dump: string;
  truth: string;
}

function decodeEntities(text: string): string {
  return text
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function metaTitle(html: string, property: string): string | null {
  const tag = new RegExp(
    `<meta[^>]+(?:property|name)=["']${property}["'](?:[^>"']|"[^"]*"|'[^']*')*>`,
    'i',
  ).exec(html);
  const content = tag !== null ? /content=(?:"([^"]*)"|'([^']*)')/i.exec(tag[0]) : null;
  return content !== null ? decodeEntities(content[1] ?? content[2]) : null;
}

/** The page's headline and the outlet text its `<title>` adds around it. */
function pageReference(html: string): { reference: string | null; outletText: string | null } {
  const h1s = [...html.matchAll(/<h1\b[^>]*>([\s\S]*?)<\/h1>/gi)]
    .map((match) => decodeEntities(match[1]))
    .filter((text) => text.length > 0);
  const titleTag = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const documentTitle = titleTag !== null ? decodeEntities(titleTag[1]) : null;
  const ogTitle = metaTitle(html, 'og:title');
  const repeated = h1s.find((h1) =>
    [documentTitle, ogTitle].some(
      (other) => other !== null && containsRun(words(other), words(h1)),
    ),
  );
  const reference = repeated ?? ogTitle ?? documentTitle ?? null;
  let outletText: string | null = null;
  if (reference !== null && documentTitle !== null) {
    const rest = words(documentTitle).join(' ').replace(words(reference).join(' '), ' ').trim();
    outletText = rest.length > 0 ? rest : null;
  }
  return { reference: reference !== null && reference.length > 0 ? reference : null, outletText };
}

export function readEvalPages(): EvalPage[] | null {
  const file = join(evalDirectory(), 'pages-dev.jsonl.gz');
  if (!existsSync(file)) return null;
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as EvalPage);
}

/** A page's posting in one form: its HTML, or its scraped text dump. */
export function pageAsPosted(page: EvalPage, form: 'html' | 'dump'): RawArticle {
  return evalRawArticle(
    form === 'html' ? { url: page.url, html: page.html } : { url: page.url, text: page.dump },
  );
}

/** A page's extracted title against the page's own headline. */
export function pageTitleCase(page: EvalPage, title: string | null): TitleCase {
  return { id: page.key.slice(0, 8), ...pageReference(page.html), url: page.url, title };
}

function pageTitleCases(pages: readonly EvalPage[], form: 'html' | 'dump'): TitleCase[] {
  return pages.map((page) => pageTitleCase(page, extractedTitle(pageAsPosted(page, form))));
}

const WRONG_KINDS: readonly TitleVerdict[] = ['stamp', 'cut', 'outlet', 'empty', 'other'];

export function titleSummary(name: string, cases: readonly TitleCase[]): string {
  const counts = new Map<TitleVerdict, number>();
  for (const item of cases) {
    const verdict = judgeTitle(item);
    counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
  }
  const count = (verdict: TitleVerdict): number => counts.get(verdict) ?? 0;
  const exact = count('exact');
  const acceptable = exact + count('suffixed');
  const wrong = WRONG_KINDS.map((kind) => `${kind}=${count(kind)}`).join(' ');
  return `${name.padEnd(11)} items=${cases.length} exact=${(exact / cases.length).toFixed(3)} acceptable=${(acceptable / cases.length).toFixed(3)} wrong: ${wrong}`;
}

function main(): void {
  const showFlag = process.argv.indexOf('--show');
  const shown = new Set(showFlag >= 0 ? (process.argv[showFlag + 1] ?? '').split(',') : []);
  const pages = readEvalPages();
  const sets: Array<[string, TitleCase[] | null]> = [
    ['ecbplus', ecbTitleCases()],
    ['pages html', pages && pageTitleCases(pages, 'html')],
    ['pages dump', pages && pageTitleCases(pages, 'dump')],
  ];
  for (const [name, cases] of sets) {
    if (cases === null) {
      console.log(`${name}: eval file not found beside the repo, skipped`);
      continue;
    }
    console.log(titleSummary(name, cases));
    for (const item of cases) {
      const verdict = judgeTitle(item);
      if (!shown.has(verdict)) continue;
      console.log(
        `  ${verdict.padEnd(8)} ${item.id} ${JSON.stringify(item.title)} ≠ ${JSON.stringify(item.reference)}`,
      );
    }
  }
}

if (require.main === module) main();
