import {
  AUTHOR_LABEL,
  BIO_PATTERN,
  BYLINE,
  CAPTION_PATTERNS,
  GLUED_LABEL,
  PROMO_PATTERNS,
  ROLE_LINE,
  SHORT_LINE_BOILERPLATE,
  matchesAny,
} from './boilerplate-patterns';
import { datelineDate, dateOnlyLine } from './dates';
import { detectLanguage, hasStopWordList, isUnspacedScript, stopWordDensity, wordsOf } from './language';
import { templateLineKey } from './template';
import type { SourceTemplate } from './cleaning.types';

export type LineKind = 'prose' | 'heading' | 'short' | 'boilerplate';

export interface ClassifiedLine {
  text: string;
  kind: LineKind;
  /** Index of the blank-line separated group the line belongs to. */
  group: number;
  truncated: boolean;
}

export interface DumpExtraction {
  paragraphs: string[];
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  siteName: string | null;
  language: string | null;
  templateKeys: string[];
}

export interface DumpOptions {
  receivedAt: string;
  knownTitle: string | null;
  template?: SourceTemplate;
}

const SENTENCE_END = /[.!?。！？؟:;"”’'»)\]]$/u;
const TRUNCATED = /(?:\.\.\.|…)\s*$/;
const TRUNCATED_AFTER_SENTENCE = /[.!?]["”’']?\s*(?:\.\.\.|…)\s*$/u;
const TITLE_SEPARATOR = /\s+[|–—-]\s+|\s+::\s+/;
const DOMAIN_LINE = /^[\p{L}\d-]+(?:\.[\p{L}\d-]+)+$/u;
const NAME_LINE = /^\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,3}$/u;
const MAX_TEMPLATE_LINE = 500;

function comparable(text: string): string {
  return text
    .toLowerCase()
    .replace(/(?:\.\.\.|…)\s*$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function wordCount(text: string, language: string | null): number {
  if (isUnspacedScript(language)) return Math.round(text.length / 2);
  return wordsOf(text).length;
}

function isProse(text: string, language: string | null): boolean {
  const endsSentence = SENTENCE_END.test(text);
  if (!hasStopWordList(language)) {
    return (text.length >= 40 && endsSentence) || text.length >= 150;
  }
  const words = wordsOf(text);
  const density = stopWordDensity(words, language);
  if (words.length >= 8 && density >= 0.15 && (endsSentence || words.length >= 20)) return true;
  return words.length >= 5 && endsSentence && density >= 0.25;
}

function explicitBoilerplate(text: string): boolean {
  if (text.length < 100 && matchesAny(SHORT_LINE_BOILERPLATE, text)) return true;
  if (text.length < 400 && matchesAny(CAPTION_PATTERNS, text)) return true;
  if (text.length < 400 && matchesAny(PROMO_PATTERNS, text)) return true;
  return text.length < 800 && BIO_PATTERN.test(text);
}

function splitHeadTitle(firstLine: string): { title: string; site: string | null } {
  const parts = firstLine.split(TITLE_SEPARATOR);
  if (parts.length < 2) return { title: firstLine, site: null };
  let longest = 0;
  for (let index = 1; index < parts.length; index += 1) {
    if (parts[index].length > parts[longest].length) longest = index;
  }
  const rest = parts.filter((_, index) => index !== longest);
  const site = rest[rest.length - 1] ?? null;
  return { title: parts[longest], site: site !== null && site.length <= 40 ? site : null };
}

/** Best-scoring contiguous run of lines: prose adds its length, furniture subtracts. */
function densestRun(lines: readonly ClassifiedLine[]): { start: number; end: number } {
  let best = { start: 0, end: -1, score: 0 };
  let runStart = 0;
  let runScore = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    let weight: number;
    switch (line.kind) {
      case 'prose':
        weight = Math.min(line.text.length, 1200);
        break;
      case 'heading':
        weight = -Math.min(line.text.length * 0.5, 60);
        break;
      case 'short':
        weight = -12;
        break;
      default:
        weight = -Math.max(60, Math.min(line.text.length, 400));
    }
    if (runScore <= 0) {
      runStart = index;
      runScore = 0;
    }
    runScore += weight;
    if (runScore > best.score) best = { start: runStart, end: index, score: runScore };
  }
  return { start: best.start, end: best.end };
}

function findAuthor(lines: readonly ClassifiedLine[]): string | null {
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index].text;
    if (text.length > 120) continue;
    const byline = BYLINE.exec(text) ?? AUTHOR_LABEL.exec(text);
    if (byline !== null) return byline[1].trim();
  }
  // Author card: a bare name followed by a role line or by a bio that starts with the name.
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index].text;
    if (!NAME_LINE.test(text)) continue;
    const firstName = text.split(/\s+/)[0];
    for (let next = index + 1; next <= index + 3 && next < lines.length; next += 1) {
      const follower = lines[next].text;
      if (ROLE_LINE.test(follower) && follower.length < 60) return text;
      if (follower.startsWith(firstName) && BIO_PATTERN.test(follower)) return text;
    }
  }
  return null;
}

export function classifyDumpLines(
  rawLines: readonly string[],
  language: string | null,
  title: string | null,
  template: SourceTemplate | undefined,
): ClassifiedLine[] {
  const classified: ClassifiedLine[] = [];
  const titleKey = title !== null ? comparable(title) : null;
  let group = 0;
  let previousBlank = true;
  for (const raw of rawLines) {
    if (raw.length === 0) {
      if (!previousBlank) group += 1;
      previousBlank = true;
      continue;
    }
    previousBlank = false;
    let text = raw;
    let glued = false;
    const label = GLUED_LABEL.exec(text);
    if (label !== null) {
      text = text.slice(label[0].length);
      glued = true;
    }
    const truncated = TRUNCATED.test(text) && !TRUNCATED_AFTER_SENTENCE.test(text);
    let kind: LineKind;
    const words = wordCount(text, language);
    if (
      glued ||
      (template !== undefined && template.boilerplateKeys.has(templateLineKey(raw))) ||
      explicitBoilerplate(text) ||
      (titleKey !== null && titleKey.length > 0 && comparable(text) === titleKey)
    ) {
      kind = 'boilerplate';
    } else if (isProse(text, language) && !truncated) {
      kind = 'prose';
    } else if (words <= 3 || text.length < 20) {
      kind = 'short';
    } else {
      kind = 'heading';
    }
    classified.push({ text, kind, group, truncated });
  }
  markTeaserLists(classified);
  markTeaserCards(classified);
  return classified;
}

/** Headlines cut off with "..." come in lists of links; a lone one may be rhetorical. */
function markTeaserLists(lines: ClassifiedLine[]): void {
  for (let index = 0; index < lines.length; index += 1) {
    if (!lines[index].truncated) continue;
    for (let other = index - 3; other <= index + 3; other += 1) {
      if (other !== index && lines[other]?.truncated) {
        lines[index].kind = 'boilerplate';
        break;
      }
    }
  }
}

/**
 * When the dump separates article paragraphs by blank lines, a prose line packed together with a
 * headline in one block is a teaser card (headline + standfirst), not a paragraph.
 */
function markTeaserCards(lines: ClassifiedLine[]): void {
  const groupSizes = new Map<number, number>();
  for (const line of lines) groupSizes.set(line.group, (groupSizes.get(line.group) ?? 0) + 1);
  const prose = lines.filter((line) => line.kind === 'prose');
  const singletons = prose.filter((line) => groupSizes.get(line.group) === 1).length;
  if (prose.length < 3 || singletons < prose.length * 0.7) return;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (line.kind !== 'prose' || groupSizes.get(line.group) === 1) continue;
    const previous = lines[index - 1];
    if (previous !== undefined && previous.group === line.group && previous.kind === 'heading') {
      line.kind = 'heading';
    }
  }
}

function pickTitle(
  lines: readonly string[],
  regionStartText: string | null,
  headTitle: string | null,
): string | null {
  const nonBlank = lines.filter((line) => line.length > 0);
  const limit = regionStartText !== null ? nonBlank.indexOf(regionStartText) : nonBlank.length;
  const head = nonBlank.slice(0, limit > 0 ? limit : Math.min(nonBlank.length, 40));
  const counts = new Map<string, number>();
  for (const line of nonBlank) {
    const key = comparable(line);
    if (key.length > 0) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const headKey = headTitle !== null ? comparable(headTitle) : null;
  let best: string | null = null;
  let bestScore = 0;
  head.forEach((line, index) => {
    const words = wordsOf(line).length;
    if (words < 3 || words > 40 || line.length > 300) return;
    if (explicitBoilerplate(line) || TRUNCATED.test(line) || /[.]$/.test(line)) return;
    const key = comparable(line);
    let score = 0;
    if ((counts.get(key) ?? 0) >= 2) score += 3;
    if (headKey !== null && key === headKey && index > 0) score += 4;
    score += index / Math.max(head.length, 1);
    if (score > bestScore) {
      bestScore = score;
      best = line;
    }
  });
  if (best !== null && bestScore >= 3) return best;
  return headTitle;
}

export function extractFromDump(text: string, options: DumpOptions): DumpExtraction {
  const lines = text.split('\n');
  const nonBlank = lines.filter((line) => line.length > 0);
  const proseSample = nonBlank.filter((line) => line.length >= 60).join('\n');
  const language = detectLanguage(proseSample.length > 0 ? proseSample : nonBlank.join('\n'));

  const firstLine = nonBlank[0] ?? '';
  const head = splitHeadTitle(firstLine);
  const headTitle = head.site !== null ? head.title : null;

  // First pass without a title finds where the body starts; the title is then looked for above it.
  const firstPass = classifyDumpLines(lines, language, options.knownTitle, options.template);
  const firstRun = densestRun(firstPass);
  const title =
    options.knownTitle ??
    pickTitle(lines, firstPass[firstRun.start]?.text ?? null, headTitle ?? firstLine);
  const classified =
    title !== null && title !== options.knownTitle
      ? classifyDumpLines(lines, language, title, options.template)
      : firstPass;
  const run = densestRun(classified);

  const paragraphs: string[] = [];
  for (let index = run.start; index <= run.end; index += 1) {
    const line = classified[index];
    if (line.kind === 'prose') paragraphs.push(line.text);
    else if (line.kind === 'heading' && nextProseWithin(classified, index, 2, run.end)) {
      paragraphs.push(line.text);
    }
  }

  let publishedAt: string | null = null;
  const searchEnd = Math.min(classified.length, run.end + 4);
  for (let index = 0; index < searchEnd && publishedAt === null; index += 1) {
    if (index >= run.start && index <= run.end) continue;
    publishedAt = dateOnlyLine(classified[index].text, options.receivedAt);
  }
  if (publishedAt === null && paragraphs.length > 0) {
    publishedAt = datelineDate(paragraphs[0], options.receivedAt);
  }

  const keys = new Set<string>();
  for (const line of nonBlank) {
    if (line.length > MAX_TEMPLATE_LINE) continue;
    const key = templateLineKey(line);
    if (key.length > 0) keys.add(key);
  }

  const siteName = head.site ?? (DOMAIN_LINE.test(firstLine) ? firstLine : null);
  return {
    paragraphs,
    title,
    author: findAuthor(classified),
    publishedAt,
    siteName,
    language,
    templateKeys: [...keys],
  };
}

function nextProseWithin(
  lines: readonly ClassifiedLine[],
  index: number,
  distance: number,
  end: number,
): boolean {
  for (let next = index + 1; next <= Math.min(index + distance, end); next += 1) {
    if (lines[next].kind === 'prose') return true;
    if (lines[next].kind === 'boilerplate') return false;
  }
  return false;
}
