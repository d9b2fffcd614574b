import {
  AUTHOR_LABEL,
  BIO_PATTERN,
  BYLINE,
  CAPTION_PATTERNS,
  END_OF_ARTICLE_PATTERNS,
  GLUED_LABEL,
  PROMO_PATTERNS,
  ROLE_LINE,
  SHORT_LINE_BOILERPLATE,
  matchesAny,
} from './boilerplate-patterns';
import { datelineDate, dateOnlyLine } from './dates';
import { hasStopWordList, isUnspacedScript, stopWordDensity, wordsOf } from './language';
import { templateKeyOfNormalized, templateLineKey } from './template';
import { joinTokens, normalizedWords } from './tokens';
import type { SourceTemplate } from './cleaning.types';

export type LineKind = 'prose' | 'heading' | 'short' | 'boilerplate';

export interface ClassifiedLine {
  text: string;
  kind: LineKind;
  /** Index of the blank-line separated group the line belongs to. */
  group: number;
  truncated: boolean;
  /** The dump separates paragraphs by blank lines and this line stands alone in its block. */
  standalone: boolean;
  /** Copyright footer, comments header, "more in ..." rail: the body does not run across it. */
  wall: boolean;
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
  language: string | null;
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
const MAX_DATE_SEARCH_LINES = 60;

function comparable(text: string): string {
  return normalizedWords(text);
}

function wordCount(text: string, words: readonly string[], language: string | null): number {
  if (isUnspacedScript(language)) return Math.round(text.length / 2);
  return words.length;
}

function isProse(text: string, words: readonly string[], language: string | null): boolean {
  const endsSentence = SENTENCE_END.test(text);
  if (!hasStopWordList(language)) {
    return (text.length >= 40 && endsSentence) || text.length >= 150;
  }
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

function lineWeight(line: ClassifiedLine): number {
  switch (line.kind) {
    case 'prose':
      return Math.min(line.text.length, 1200);
    case 'heading':
      return line.standalone ? -10 : -Math.min(line.text.length * 0.5, 60);
    case 'short':
      return line.standalone ? -4 : -12;
    default:
      return -Math.max(60, Math.min(line.text.length, 400));
  }
}

interface Run {
  start: number;
  end: number;
  score: number;
}

/** Best-scoring contiguous run of lines in [from, to): prose adds its length, furniture subtracts. */
function bestRunBetween(lines: readonly ClassifiedLine[], from: number, to: number): Run {
  let best: Run = { start: from, end: from - 1, score: 0 };
  let runStart = from;
  let runScore = 0;
  for (let index = from; index < to; index += 1) {
    if (runScore <= 0) {
      runStart = index;
      runScore = 0;
    }
    runScore += lineWeight(lines[index]);
    if (runScore > best.score) best = { start: runStart, end: index, score: runScore };
  }
  return best;
}

/** Comments and "more in" rails follow the article: a decent run before a wall beats a bigger one after it. */
const EARLIER_RUN_SHARE = 0.25;
const MIN_EARLIER_RUN_PARAGRAPHS = 3;

function densestRun(lines: readonly ClassifiedLine[]): { start: number; end: number } {
  const runs: Run[] = [];
  let segmentStart = 0;
  for (let index = 0; index <= lines.length; index += 1) {
    if (index === lines.length || lines[index].wall) {
      if (index > segmentStart) runs.push(bestRunBetween(lines, segmentStart, index));
      segmentStart = index + 1;
    }
  }
  const maxScore = runs.reduce((max, run) => Math.max(max, run.score), 0);
  const proseLines = (run: Run): number => {
    let count = 0;
    for (let index = run.start; index <= run.end; index += 1) {
      if (lines[index].kind === 'prose') count += 1;
    }
    return count;
  };
  const chosen = runs.find(
    (run) =>
      run.score === maxScore ||
      (run.score >= maxScore * EARLIER_RUN_SHARE && proseLines(run) >= MIN_EARLIER_RUN_PARAGRAPHS),
  );
  return chosen ?? { start: 0, end: -1 };
}

function findAuthor(lines: readonly ClassifiedLine[]): string | null {
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index].text;
    if (text.length > 120 || lines[index].kind === 'prose') continue;
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

/** Title-independent facts about one line, computed once per page. */
export interface LineFeatures {
  text: string;
  group: number;
  glued: boolean;
  truncated: boolean;
  furniture: boolean;
  endOfArticle: boolean;
  prose: boolean;
  words: number;
  comparable: string;
  templateKey: string;
}

export function analyzeLines(
  rawLines: readonly string[],
  language: string | null,
  template: SourceTemplate | undefined,
): LineFeatures[] {
  const features: LineFeatures[] = [];
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
    const words = wordsOf(text);
    const normalized = joinTokens(words);
    let templateKey = '';
    if (raw.length <= MAX_TEMPLATE_LINE) {
      templateKey = glued ? templateLineKey(raw) : templateKeyOfNormalized(normalized);
    }
    const inTemplate =
      template !== undefined && templateKey.length > 0 && template.boilerplateKeys.has(templateKey);
    features.push({
      text,
      group,
      glued,
      truncated: TRUNCATED.test(text) && !TRUNCATED_AFTER_SENTENCE.test(text),
      furniture: inTemplate || explicitBoilerplate(text),
      endOfArticle: text.length < 160 && matchesAny(END_OF_ARTICLE_PATTERNS, text),
      prose: isProse(text, words, language),
      words: wordCount(text, words, language),
      comparable: normalized,
      templateKey,
    });
  }
  return features;
}

export function classifyDumpLines(
  features: readonly LineFeatures[],
  title: string | null,
): ClassifiedLine[] {
  const titleKey = title !== null ? comparable(title) : '';
  const classified = features.map((line): ClassifiedLine => {
    let kind: LineKind;
    if (line.glued || line.furniture || (titleKey.length > 0 && line.comparable === titleKey)) {
      kind = 'boilerplate';
    } else if (line.prose && !line.truncated) {
      kind = 'prose';
    } else if (line.words <= 3 || line.text.length < 20) {
      kind = 'short';
    } else {
      kind = 'heading';
    }
    return {
      text: line.text,
      kind,
      group: line.group,
      truncated: line.truncated,
      standalone: false,
      wall: line.endOfArticle,
    };
  });
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
  for (const line of lines) line.standalone = groupSizes.get(line.group) === 1;
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
  features: readonly LineFeatures[],
  regionStart: number,
  headTitle: string | null,
): string | null {
  const head = features.slice(0, regionStart > 0 ? regionStart : Math.min(features.length, 40));
  const counts = new Map<string, number>();
  for (const line of features) {
    if (line.comparable.length > 0)
      counts.set(line.comparable, (counts.get(line.comparable) ?? 0) + 1);
  }
  const headKey = headTitle !== null ? comparable(headTitle) : null;
  let best: string | null = null;
  let bestScore = 0;
  head.forEach((line, index) => {
    if (line.words < 3 || line.words > 40 || line.text.length > 300) return;
    if (line.furniture || line.glued || line.truncated || line.text.endsWith('.')) return;
    let score = 0;
    if ((counts.get(line.comparable) ?? 0) >= 2) score += 3;
    if (headKey !== null && line.comparable === headKey && index > 0) score += 4;
    score += index / Math.max(head.length, 1);
    if (score > bestScore) {
      bestScore = score;
      best = line.text;
    }
  });
  if (best !== null && bestScore >= 3) return best;
  return headTitle ?? best;
}

export function extractFromDump(lines: readonly string[], options: DumpOptions): DumpExtraction {
  const features = analyzeLines(lines, options.language, options.template);
  const firstLine = features[0]?.text ?? '';
  const head = splitHeadTitle(firstLine);
  const headTitle = head.site !== null ? head.title : null;

  // A first pass finds where the body starts; the title is then looked for above it.
  const firstPass = classifyDumpLines(features, options.knownTitle);
  const firstRun = densestRun(firstPass);
  const title = options.knownTitle ?? pickTitle(features, firstRun.start, headTitle);
  const classified =
    title !== null && title !== options.knownTitle ? classifyDumpLines(features, title) : firstPass;
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
  const searchStart = Math.max(0, run.start - MAX_DATE_SEARCH_LINES);
  const searchEnd = Math.min(classified.length, run.end + 4);
  for (let index = searchStart; index < searchEnd && publishedAt === null; index += 1) {
    if (index >= run.start && index <= run.end) continue;
    if (classified[index].kind === 'prose') continue;
    publishedAt = dateOnlyLine(classified[index].text, options.receivedAt);
  }
  if (publishedAt === null && paragraphs.length > 0) {
    publishedAt = datelineDate(paragraphs[0], options.receivedAt);
  }

  const keys = new Set<string>();
  for (const line of features) if (line.templateKey.length > 0) keys.add(line.templateKey);

  const siteName = head.site ?? (DOMAIN_LINE.test(firstLine) ? firstLine : null);
  return {
    paragraphs,
    title,
    author: findAuthor(classified),
    publishedAt,
    siteName,
    language: options.language,
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
