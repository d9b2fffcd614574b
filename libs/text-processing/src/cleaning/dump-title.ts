/**
 * The headline of a text dump: every line that could be it gets a feature vector, a linear score
 * (weights learned by `npm run train:cleaning`, see models/README.md) ranks them, and the best
 * line that is not a date stamp wins.
 */
import { BYLINE } from './boilerplate-patterns';
import { dateOnlyLine } from './dates';
import { isStampLine } from './title';

/** What the ranker reads of one dump line (a subset of the line analysis). */
export interface TitleLine {
  text: string;
  words: number;
  furniture: boolean;
  glued: boolean;
  truncated: boolean;
  prose: boolean;
  stopDensity: number;
  numericShare: number;
  comparable: string;
}

export const DUMP_TITLE_FEATURE_NAMES = [
  'slug',
  'slugStrong',
  'firstLineAgreement',
  'isFirstLine',
  'position',
  'nearBody',
  'inBody',
  'metaBelow',
  'metaAbove',
  'repeated',
  'words',
  'short',
  'capitalShare',
  'prose',
  'stopDensity',
  'nextProse',
  'questionOrExclamation',
  'numericShare',
  'allCaps',
  'previousShort',
  'colon',
  'slugCoverage',
  'lineInSlug',
  'pathSeparators',
  'gluedWords',
  'markup',
  'holdsOtherLine',
  'dateLike',
] as const;

export interface DumpTitleModel {
  /** One weight per `DUMP_TITLE_FEATURE_NAMES` entry. */
  weights: readonly number[];
}

export interface TitleCandidate {
  index: number;
  text: string;
  vector: number[];
}

export interface TitleSearch {
  /** First line of the body, or the line count when no body was found. */
  bodyStart: number;
  bodyFound: boolean;
  /** The dump's first line as a title (its outlet part cut), or null. */
  headTitle: string | null;
  receivedAt: string;
  slug: readonly string[];
  maxWords: number;
}

/** Lines above the body looked at (the menus of today's pages run to hundreds of lines). */
const MAX_LINES_ABOVE = 400;
/** Lines of the body's start still looked at: the run often starts at the headline itself. */
const LINES_INTO_BODY = 2;
/** A prose line in the body's first lines is a headline only up to this many words. */
const MAX_PROSE_HEADLINE_WORDS = 25;
const MIN_WORDS = 3;
const MAX_CHARS = 300;
/** A date line or a "By ..." line within this many lines of a headline. */
const META_LINES = 3;
/** A sentence's end, also inside quotes or brackets: no headline ends so. */
const CLOSED_LINE = /[.:;]["”’')\]]*$/u;
const WORD = /[\p{L}\p{N}]+/gu;
/** Breadcrumb and path marks between a line's parts ("Home » Blog » Headline", "News›US"). */
const PATH_SEPARATOR = /[›»>/|\\]/gu;
/** Menu items glued together by the text dump ("HomeGarden GuidanceGardening"). */
const GLUED_WORDS = /\p{Ll}\p{Lu}\p{Ll}/gu;
const MARKUP = /<\/?[a-z][^>]*>|https?:\/\/|www\./iu;
/** A date's digits or a year ("22/10/2010", "20:13", "2010"): stamps and date lines. */
const DATE_LIKE = /\d{1,4}[-/.:]\d{1,2}|\b(?:19|20)\d{2}\b/u;
/** Words dropped at either end of a line to find another line inside it. */
const MAX_WRAPPING_WORDS = 6;

/**
 * The line is another line of the dump with words before or after it: a breadcrumb or menu run
 * before the headline ("Home News Business News Headline"), an outlet after it ("Headline : Outlet").
 */
function holdsOtherLine(comparable: string, counts: ReadonlyMap<string, number>): boolean {
  const words = comparable.split(' ');
  for (let cut = 1; cut <= Math.min(MAX_WRAPPING_WORDS, words.length - 3); cut += 1) {
    if (counts.has(words.slice(cut).join(' ')) || counts.has(words.slice(0, -cut).join(' '))) {
      return true;
    }
  }
  return false;
}

/** Word stems short enough that "Certifications" and "Certificates" meet (as `titleAgreement`). */
const STEM_CHARS = 6;

function stems(text: string): Set<string> {
  const words = text.slice(0, MAX_CHARS).normalize('NFKC').toLowerCase().match(WORD) ?? [];
  return new Set(words.map((word) => word.slice(0, STEM_CHARS)));
}

/** Shared stems of two sets: Dice overlap and the share of each side covered. */
function overlap(
  line: ReadonlySet<string>,
  other: ReadonlySet<string>,
): { dice: number; otherCovered: number; lineCovered: number } {
  if (line.size === 0 || other.size === 0) return { dice: 0, otherCovered: 0, lineCovered: 0 };
  let shared = 0;
  for (const stem of other) if (line.has(stem)) shared += 1;
  return {
    dice: (2 * shared) / (line.size + other.size),
    otherCovered: shared / other.size,
    lineCovered: shared / line.size,
  };
}

/** The page-wide stems a line is compared with, computed once. */
interface PageStems {
  slug: ReadonlySet<string>;
  headTitle: ReadonlySet<string>;
}

/** Per line, once: is it a byline or a date line (1), or not (2); 0 until asked. */
type MetaMemo = Int8Array;

function isMetaLine(
  lines: readonly TitleLine[],
  at: number,
  receivedAt: string,
  memo: MetaMemo,
): boolean {
  if (memo[at] === 0) {
    const text = lines[at].text;
    const meta = BYLINE.test(text) || dateOnlyLine(text, receivedAt) !== null;
    memo[at] = meta ? 1 : 2;
  }
  return memo[at] === 1;
}

function metaNear(
  lines: readonly TitleLine[],
  from: number,
  step: 1 | -1,
  receivedAt: string,
  memo: MetaMemo,
): boolean {
  for (let offset = 1; offset <= META_LINES; offset += 1) {
    const at = from + step * offset;
    const line = lines[at];
    if (line === undefined || line.text.length > 200) return false;
    if (isMetaLine(lines, at, receivedAt, memo)) return true;
  }
  return false;
}

function capitalShare(text: string): number {
  const words = text.slice(0, MAX_CHARS).match(WORD) ?? [];
  if (words.length === 0) return 0;
  let capitals = 0;
  for (const word of words) if (/^\p{Lu}/u.test(word)) capitals += 1;
  return capitals / words.length;
}

function vectorOf(
  lines: readonly TitleLine[],
  index: number,
  text: string,
  search: TitleSearch,
  counts: ReadonlyMap<string, number>,
  memo: MetaMemo,
  page: PageStems,
): number[] {
  const line = lines[index];
  const { bodyStart } = search;
  const lineStems = stems(text);
  const slugOverlap = overlap(lineStems, page.slug);
  const slug = slugOverlap.dice;
  const next = lines[index + 1];
  const previous = lines[index - 1];
  const letters = text.replace(/[^\p{L}]/gu, '');
  return [
    slug,
    slug >= 0.5 ? 1 : 0,
    index > 0 ? overlap(lineStems, page.headTitle).dice : 0,
    index === 0 ? 1 : 0,
    Math.min(1, index / Math.max(bodyStart, 1)),
    index >= bodyStart ? 1 : 1 / (1 + bodyStart - index),
    index >= bodyStart ? 1 : 0,
    metaNear(lines, index, 1, search.receivedAt, memo) ? 1 : 0,
    metaNear(lines, index, -1, search.receivedAt, memo) ? 1 : 0,
    (counts.get(line.comparable) ?? 0) >= 2 ? 1 : 0,
    Math.min(line.words, 20) / 20,
    line.words <= 4 ? 1 : 0,
    capitalShare(text),
    line.prose ? 1 : 0,
    line.stopDensity,
    next !== undefined && next.prose && next.words >= 15 ? 1 : 0,
    /[?!]["”’')\]]*$/u.test(text) ? 1 : 0,
    line.numericShare,
    letters.length >= 4 && letters === letters.toUpperCase() ? 1 : 0,
    previous === undefined || previous.words <= 3 ? 1 : 0,
    /\S:\s/u.test(text) ? 1 : 0,
    slugOverlap.otherCovered,
    slugOverlap.lineCovered,
    Math.min(3, (text.match(PATH_SEPARATOR) ?? []).length) / 3,
    Math.min(3, (text.match(GLUED_WORDS) ?? []).length) / 3,
    MARKUP.test(text) ? 1 : 0,
    holdsOtherLine(line.comparable, counts) ? 1 : 0,
    DATE_LIKE.test(text) ? 1 : 0,
  ];
}

/** Could the line be the headline at all (length, not a sentence, not furniture or a byline)? */
function eligible(line: TitleLine, index: number, search: TitleSearch): boolean {
  if (line.words < MIN_WORDS || line.words > search.maxWords || line.text.length > MAX_CHARS) {
    return false;
  }
  if (line.furniture || line.glued || line.truncated || CLOSED_LINE.test(line.text)) return false;
  if (index >= search.bodyStart && line.prose && line.words > MAX_PROSE_HEADLINE_WORDS) {
    return false;
  }
  return !BYLINE.test(line.text);
}

/**
 * The lines that could be the headline with their feature vectors: the dump's first line as a
 * title (its outlet part cut), every eligible line above the body and the body's first lines.
 */
export function dumpTitleCandidates(
  lines: readonly TitleLine[],
  search: TitleSearch,
): TitleCandidate[] {
  const end = Math.min(
    lines.length,
    search.bodyFound && search.bodyStart > 0
      ? search.bodyStart + LINES_INTO_BODY
      : search.bodyStart,
  );
  const start = Math.max(1, end - LINES_INTO_BODY - MAX_LINES_ABOVE);
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (line.comparable.length > 0)
      counts.set(line.comparable, (counts.get(line.comparable) ?? 0) + 1);
  }
  const memo: MetaMemo = new Int8Array(lines.length);
  const page: PageStems = {
    slug: stems(search.slug.join(' ')),
    headTitle: search.headTitle !== null ? stems(search.headTitle) : new Set(),
  };
  const candidates: TitleCandidate[] = [];
  if (search.headTitle !== null && lines.length > 0) {
    candidates.push({
      index: 0,
      text: search.headTitle,
      vector: vectorOf(lines, 0, search.headTitle, search, counts, memo, page),
    });
  }
  for (let index = start; index < end; index += 1) {
    const line = lines[index];
    if (!eligible(line, index, search)) continue;
    candidates.push({
      index,
      text: line.text,
      vector: vectorOf(lines, index, line.text, search, counts, memo, page),
    });
  }
  return candidates;
}

export function titleScore(vector: readonly number[], model: DumpTitleModel): number {
  let score = 0;
  for (let index = 0; index < vector.length; index += 1) {
    score += vector[index] * (model.weights[index] ?? 0);
  }
  return score;
}

/** Candidates looked at, best first, for one that is not a date stamp. */
const MAX_STAMP_CHECKS = 5;

/**
 * The best-scoring candidate that is not a date or time stamp, or null. The dump's first line (a
 * document title) stays the title unless another line scores `firstLineMargin` above it.
 */
export function bestDumpTitle(
  candidates: readonly TitleCandidate[],
  model: DumpTitleModel,
  receivedAt: string,
  firstLineMargin = 0,
): string | null {
  const ranked = candidates
    .map((candidate) => ({ candidate, score: titleScore(candidate.vector, model) }))
    .sort((a, b) => b.score - a.score || a.candidate.index - b.candidate.index);
  const first = ranked.find((item) => item.candidate.index === 0);
  for (const { candidate, score } of ranked.slice(0, MAX_STAMP_CHECKS)) {
    if (first !== undefined && score < first.score + firstLineMargin) return first.candidate.text;
    if (!isStampLine(candidate.text, receivedAt)) return candidate.text;
  }
  return null;
}
