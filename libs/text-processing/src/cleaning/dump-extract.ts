import {
  AUTHOR_LABEL,
  BIO_PATTERN,
  BYLINE,
  CAPTION_PATTERNS,
  END_OF_ARTICLE_PATTERNS,
  GLUED_LABEL,
  PROMO_PATTERNS,
  RAIL_PATTERNS,
  ROLE_LINE,
  SHORT_LINE_BOILERPLATE,
  withoutIssuerBoilerplate,
  matchesAny,
} from './boilerplate-patterns';
import { authorNearHeadline, personNames } from './author';
import { dateNearHeadline, datelineDate, dateOnlyLine } from './dates';
import { hasStopWordList, isUnspacedScript, stopWordDensity, wordsOf } from './language';
import { templateKeyOfNormalized, templateLineKey } from './template';
import { joinTokens, normalizedWords } from './tokens';
import type { SourceTemplate } from './cleaning.types';
import { DEFAULT_FIELD_PARAMS, type FieldParams } from './field-params';
import { headlineLike, slugAgreement, slugWords, splitOutletFromTitle, squashed } from './title';
import {
  DEFAULT_LINE_MODEL,
  lineMargins,
  lineVectors,
  smoothLines,
  withHtmlFeatures,
} from './line-model';
import type { LineModel } from './line-model';
import {
  bestDumpTitle,
  dumpTitleCandidates,
  type TitleCandidate,
  type TitleSearch,
} from './dump-title';
import { SENTENCE_END } from './text-normalize';

/** `data`: a row of a table of figures (results, standings) that belongs to the article around it. */
export type LineKind = 'prose' | 'data' | 'heading' | 'short' | 'boilerplate';

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
  /** The page's address: its domain tells the outlet's name in a "Headline - Outlet" first line. */
  url?: string | null;
  fieldParams?: Readonly<FieldParams>;
  /** The learned line classifier; null keeps the rule classifier's choice (default: the trained model). */
  lineModel?: LineModel | null;
}

const TRUNCATED = /(?:\.\.\.|…)\s*$/;
const TRUNCATED_AFTER_SENTENCE = /[.!?]["”’']?\s*(?:\.\.\.|…)\s*$/u;
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

function isProse(
  text: string,
  words: readonly string[],
  language: string | null,
  density: number,
): boolean {
  const endsSentence = SENTENCE_END.test(text);
  if (!hasStopWordList(language)) {
    return (text.length >= 40 && endsSentence) || text.length >= 150;
  }
  if (words.length >= 8 && density >= 0.15 && (endsSentence || words.length >= 20)) return true;
  return words.length >= 5 && endsSentence && density >= 0.25;
}

function explicitBoilerplate(text: string): boolean {
  if (text.length < 100 && matchesAny(SHORT_LINE_BOILERPLATE, text)) return true;
  if (text.length < 400 && matchesAny(CAPTION_PATTERNS, text)) return true;
  if (text.length < 400 && matchesAny(PROMO_PATTERNS, text)) return true;
  return text.length < 800 && BIO_PATTERN.test(text);
}

function lineWeight(line: ClassifiedLine): number {
  switch (line.kind) {
    case 'prose':
      return Math.min(line.text.length, 1200);
    case 'data':
      return Math.min(line.text.length, 80);
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

function densestRun(lines: readonly ClassifiedLine[]): Run {
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
  return chosen ?? { start: 0, end: -1, score: 0 };
}

/** How far above the body a name + role block still reads as the article's byline. */
const BYLINE_BLOCK_DISTANCE = 8;
/** Explicit "By ..." lines near the body win over ones elsewhere on the page (teasers, rails). */
const BYLINE_NEAR_BODY = 15;
const ABOUT_THE_AUTHOR =
  /^(?:about the (?:author|writer|reporter)|à propos de l['’]auteur|über (?:den|die) autor(?:in)?|sobre (?:el|o) autor|l['’]autore|об авторе|tentang penulis)\b/i;

function explicitByline(lines: readonly ClassifiedLine[], index: number): string | null {
  const text = lines[index].text;
  if (text.length > 120 || lines[index].kind === 'prose') return null;
  const byline = BYLINE.exec(text) ?? AUTHOR_LABEL.exec(text);
  return byline !== null ? personNames(byline[1].trim()) : null;
}

function findAuthor(lines: readonly ClassifiedLine[], run: Run, receivedAt: string): string | null {
  const nearFrom = Math.max(0, run.start - BYLINE_NEAR_BODY);
  const nearTo = Math.min(lines.length, run.end + 1);
  for (let index = nearFrom; index < nearTo; index += 1) {
    const name = explicitByline(lines, index);
    if (name !== null) return name;
  }
  for (let index = 0; index < lines.length; index += 1) {
    if (index >= nearFrom && index < nearTo) continue;
    const name = explicitByline(lines, index);
    if (name !== null) return name;
  }
  // Author card: a bare name, then its bio ("Jane Doe is a reporter at ..."), possibly with a role
  // line between. A name over a role line alone is only a byline right above the body: elsewhere
  // it is as likely a staff list or another story's card.
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index].text;
    if (!NAME_LINE.test(text)) continue;
    const name = personNames(text);
    if (name === null) continue;
    const firstName = text.split(/\s+/)[0];
    const labelled = ABOUT_THE_AUTHOR.test(lines[index - 1]?.text ?? '');
    const aboveBody = index < run.start && run.start - index <= BYLINE_BLOCK_DISTANCE;
    for (let next = index + 1; next <= index + 3 && next < lines.length; next += 1) {
      const follower = lines[next].text;
      if (follower.startsWith(firstName) && BIO_PATTERN.test(follower)) return name;
      if ((aboveBody || labelled) && ROLE_LINE.test(follower) && follower.length < 60) return name;
    }
    // "Jane Doe" over the date line, right above the body, is the byline block.
    const nextLine = lines[index + 1]?.text;
    if (aboveBody && nextLine !== undefined && dateOnlyLine(nextLine, receivedAt) !== null) {
      return name;
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
  /** The source's template knows the line as boilerplate (learned from its other pages). */
  inTemplate: boolean;
  endOfArticle: boolean;
  /** A "related stories" style rail header: a wall only when no paragraphs follow it closely. */
  rail: boolean;
  prose: boolean;
  words: number;
  /** Share of the words that are function words (of the page language, else of any known one). */
  stopDensity: number;
  /** Share of the line's tokens that contain a digit (table rows, scores, prices). */
  numericShare: number;
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
    const stopDensity = stopWordDensity(words, language);
    features.push({
      text,
      group,
      glued,
      truncated: TRUNCATED.test(text) && !TRUNCATED_AFTER_SENTENCE.test(text),
      furniture: inTemplate || explicitBoilerplate(text),
      inTemplate,
      endOfArticle: text.length < 160 && matchesAny(END_OF_ARTICLE_PATTERNS, text),
      rail: text.length < 160 && matchesAny(RAIL_PATTERNS, text),
      prose: isProse(text, words, language, stopDensity),
      words: wordCount(text, words, language),
      stopDensity,
      numericShare: numericShare(words),
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
  markInlineRails(features, classified);
  markTableRows(features, classified);
  markTeaserLists(classified);
  markTeaserCards(classified);
  return classified;
}

function numericShare(words: readonly string[]): number {
  if (words.length === 0) return 0;
  let numeric = 0;
  for (const word of words) {
    const first = word.charCodeAt(0);
    if ((first >= 48 && first <= 57) || /\d/.test(word)) numeric += 1;
  }
  return numeric / words.length;
}

const RAIL_LOOKAHEAD = 8;
const INLINE_RAIL_PARAGRAPHS = 3;

/**
 * A "related stories" rail followed closely by several paragraphs in a row sits inside the
 * article (the page dropped it between two paragraphs): it is furniture, not the article's end.
 */
function markInlineRails(features: readonly LineFeatures[], lines: ClassifiedLine[]): void {
  for (let index = 0; index < lines.length; index += 1) {
    if (!features[index].rail) continue;
    let consecutive = 0;
    let paragraphsFollow = false;
    const end = Math.min(lines.length, index + 1 + RAIL_LOOKAHEAD);
    for (let next = index + 1; next < end && !paragraphsFollow; next += 1) {
      consecutive = lines[next].kind === 'prose' ? consecutive + 1 : 0;
      paragraphsFollow = consecutive >= INLINE_RAIL_PARAGRAPHS;
    }
    lines[index].wall = lines[index].wall || !paragraphsFollow;
  }
}

const MIN_TABLE_ROWS = 3;
const MIN_ROW_TOKENS = 4;
const MIN_ROW_NUMERIC_SHARE = 0.4;
const MAX_ROW_CHARS = 200;

/** Several consecutive lines made mostly of figures are the rows of a table (standings, results). */
function markTableRows(features: readonly LineFeatures[], lines: ClassifiedLine[]): void {
  const isRow = (index: number): boolean =>
    lines[index].kind !== 'boilerplate' &&
    features[index].words >= MIN_ROW_TOKENS &&
    features[index].numericShare >= MIN_ROW_NUMERIC_SHARE &&
    features[index].text.length <= MAX_ROW_CHARS;
  let index = 0;
  while (index < lines.length) {
    if (!isRow(index)) {
      index += 1;
      continue;
    }
    let end = index;
    while (end + 1 < lines.length && isRow(end + 1)) end += 1;
    if (end - index + 1 >= MIN_TABLE_ROWS) {
      for (let row = index; row <= end; row += 1) lines[row].kind = 'data';
    }
    index = end + 1;
  }
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

const MAX_STANDFIRST_CHARS = 260;
const MAX_TEASER_GAP = 6;
const MIN_TEASER_CARDS = 3;
const MIN_PARAGRAPHS_BEFORE_TEASERS = 3;
/** Share of the prose after the cut that must be teaser standfirsts. */
const TEASER_SHARE = 0.6;

/**
 * Where a stream of teaser cards (headline, maybe a label, one short standfirst; again and again)
 * takes over the end of the run, or -1. Article paragraphs are longer, often follow each other, and
 * do not each sit under a headline.
 */
function teaserTailStart(lines: readonly ClassifiedLine[], run: Run): number {
  const cardStarts: number[] = [];
  const isCard: boolean[] = [];
  let proseCount = 0;
  for (let index = run.start; index <= run.end; index += 1) {
    const line = lines[index];
    if (line.kind !== 'prose') continue;
    proseCount += 1;
    let headline = -1;
    if (line.text.length <= MAX_STANDFIRST_CHARS) {
      if (lines[index - 1]?.kind === 'heading') headline = index - 1;
      else if (lines[index - 1]?.kind !== 'prose' && lines[index - 2]?.kind === 'heading') {
        headline = index - 2;
      }
    }
    isCard.push(headline !== -1);
    cardStarts.push(headline);
  }
  const cardsFrom = new Array<number>(isCard.length + 1).fill(0);
  for (let index = isCard.length - 1; index >= 0; index -= 1) {
    cardsFrom[index] = cardsFrom[index + 1] + (isCard[index] ? 1 : 0);
  }
  // Walk the prose lines: a chain of cards close together, with cards dominating what follows.
  let proseBefore = 0;
  let proseIndex = 0;
  for (let index = run.start; index <= run.end; index += 1) {
    if (lines[index].kind !== 'prose') continue;
    const current = proseIndex;
    proseIndex += 1;
    if (!isCard[current]) {
      proseBefore += 1;
      continue;
    }
    let chained = 1;
    let last = index;
    const cardsAfter = cardsFrom[current];
    let scan = current + 1;
    for (let line = index + 1; line <= run.end && chained < MIN_TEASER_CARDS; line += 1) {
      if (lines[line].kind !== 'prose') continue;
      if (!isCard[scan] || line - last > MAX_TEASER_GAP) break;
      chained += 1;
      last = line;
      scan += 1;
    }
    const proseAfter = proseCount - proseBefore;
    if (
      chained >= MIN_TEASER_CARDS &&
      proseBefore >= MIN_PARAGRAPHS_BEFORE_TEASERS &&
      cardsAfter >= proseAfter * TEASER_SHARE
    ) {
      return cardStarts[current];
    }
    proseBefore += 1;
  }
  return -1;
}

function withoutTeaserTail(lines: readonly ClassifiedLine[], run: Run): Run {
  let current = run;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const cut = teaserTailStart(lines, current);
    if (cut === -1) break;
    current = bestRunBetween(lines, current.start, cut);
  }
  return current;
}

const ANNOUNCES_LIST = /:\s*$/;
const MAX_LIST_LINES = 200;

/**
 * A last paragraph ending in a colon announces what follows ("here are the offers:"): the list
 * after it is article, however short its lines, up to the next furniture.
 */
function announcedListEnd(lines: readonly ClassifiedLine[], run: Run): number {
  let lastProse = run.end;
  while (lastProse >= run.start && lines[lastProse].kind !== 'prose') lastProse -= 1;
  if (lastProse < run.start || !ANNOUNCES_LIST.test(lines[lastProse].text)) return run.end;
  let end = run.end;
  const limit = Math.min(lines.length - 1, run.end + MAX_LIST_LINES);
  while (end < limit) {
    const next = lines[end + 1];
    if (next.kind === 'boilerplate' || next.wall || next.kind === 'prose') break;
    end += 1;
  }
  return end;
}

/** Lines looked at for a title when no body was found to stand under it. */
const TITLE_SEARCH_LINES = 40;
/** Lines of the body's start still looked at for the headline. */
const TITLE_INTO_BODY = 2;

/** Where the title is looked for: above the body found by a first pass. */
function titleSearch(body: Run, headTitle: string | null, options: DumpOptions): TitleSearch {
  const params = options.fieldParams ?? DEFAULT_FIELD_PARAMS;
  // The headline stands above the body; a text whose body starts on its first line has none.
  const bodyFound = body.end >= body.start;
  return {
    bodyStart: bodyFound ? body.start : TITLE_SEARCH_LINES,
    bodyFound,
    headTitle,
    receivedAt: options.receivedAt,
    slug: slugWords(options.url),
    maxWords: params.dumpHeadlineMaxWords,
  };
}

function pickTitle(
  features: readonly LineFeatures[],
  body: Run,
  headTitle: string | null,
  options: DumpOptions,
): string | null {
  const params = options.fieldParams ?? DEFAULT_FIELD_PARAMS;
  const candidates = dumpTitleCandidates(features, titleSearch(body, headTitle, options));
  return (
    bestDumpTitle(
      candidates,
      params.dumpTitleModel,
      options.receivedAt,
      params.dumpFirstLineMargin,
    ) ?? headTitle
  );
}

/** The headline's line: its last print above the body's first lines, else its first print. */
function headlineLineIndex(texts: readonly string[], title: string, bodyStart: number): number {
  const end = Math.min(texts.length - 1, bodyStart + TITLE_INTO_BODY);
  for (let index = end; index >= 0; index -= 1) if (texts[index] === title) return index;
  return texts.indexOf(title);
}

interface RuleChoice {
  features: readonly LineFeatures[];
  classified: ClassifiedLine[];
  run: Run;
  /** Per line: the rule classifier puts it in the body. */
  selected: boolean[];
  title: string | null;
  head: { headline: string; outlet: string | null };
  firstLine: string;
}

/** The dump's first line as its title: the document title on older dumps, its outlet part cut. */
function headTitleOf(
  features: readonly LineFeatures[],
  options: DumpOptions,
): { head: { headline: string; outlet: string | null }; headTitle: string | null } {
  const firstLine = features[0]?.text ?? '';
  const head = splitOutletFromTitle(firstLine, {
    siteName: null,
    url: options.url ?? null,
    pageLines: () => new Set(features.slice(1).map((line) => squashed(line.text))),
  });
  // A dump opens with the document's title: without an outlet part to cut, it is kept whole. A
  // furniture line ("Skip to content") opens a page's visible text instead, unless the URL names it.
  const opening = features[0];
  const headTitle =
    head.outlet !== null
      ? head.headline
      : opening !== undefined &&
          (!opening.furniture || slugAgreement(opening.text, slugWords(options.url)) >= 0.5) &&
          headlineLike(opening.text, opening.words, options.receivedAt)
        ? opening.text
        : null;
  return { head, headTitle };
}

/**
 * The lines that could be a dump's headline with their feature vectors, the first pass of the
 * rules placing the body (for training the headline ranker).
 */
export function dumpTitleTrainingCandidates(
  lines: readonly string[],
  options: DumpOptions,
  analyzed?: readonly LineFeatures[],
): TitleCandidate[] {
  const features = analyzed ?? analyzeLines(lines, options.language, options.template);
  const { headTitle } = headTitleOf(features, options);
  const firstRun = densestRun(classifyDumpLines(features, options.knownTitle));
  return dumpTitleCandidates(features, titleSearch(firstRun, headTitle, options));
}

function ruleChoice(
  lines: readonly string[],
  options: DumpOptions,
  analyzed?: readonly LineFeatures[],
): RuleChoice {
  const features = analyzed ?? analyzeLines(lines, options.language, options.template);
  const firstLine = features[0]?.text ?? '';
  const { head, headTitle } = headTitleOf(features, options);

  // A first pass finds where the body starts; the title is then looked for above it.
  const firstPass = classifyDumpLines(features, options.knownTitle);
  const firstRun = densestRun(firstPass);
  const title = options.knownTitle ?? pickTitle(features, firstRun, headTitle, options);
  const classified =
    title !== null && title !== options.knownTitle ? classifyDumpLines(features, title) : firstPass;
  const run = withoutTeaserTail(classified, densestRun(classified));
  const listEnd = announcedListEnd(classified, run);

  const selected = new Array<boolean>(classified.length).fill(false);
  for (let index = run.start; index <= run.end; index += 1) {
    const line = classified[index];
    selected[index] =
      line.kind === 'prose' ||
      line.kind === 'data' ||
      (line.kind === 'heading' && nextProseWithin(classified, index, 2, run.end));
  }
  for (let index = run.end + 1; index <= listEnd; index += 1) selected[index] = true;
  return { features, classified, run, selected, title, head, firstLine };
}

function vectorsOf(choice: RuleChoice): Float64Array {
  const titleKey = choice.title !== null ? comparable(choice.title) : '';
  return lineVectors(choice.features, choice.classified, choice.run, choice.selected, titleKey);
}

/**
 * The feature vectors and texts of a dump's lines, as the learned classifier sees them
 * (for training: `npm run train:cleaning`).
 */
export function dumpLineVectors(
  lines: readonly string[],
  options: DumpOptions,
  analyzed?: readonly LineFeatures[],
): { texts: string[]; vectors: Float64Array; ruleSelected: boolean[] } {
  const choice = ruleChoice(lines, options, analyzed);
  return {
    texts: choice.features.map((line) => line.text),
    vectors: vectorsOf(choice),
    ruleSelected: choice.selected,
  };
}

const MIN_LEARNED_BODY_CHARS = 200;

/** What the HTML path knows of a page's lines beyond their text. */
export interface HtmlLineInput {
  /** The blocks Readability and its post-filters kept. */
  readabilityParagraphs: readonly string[];
  /** Per line, the share of its characters inside links. */
  linkShares: readonly number[];
}

function htmlVectorsOf(choice: RuleChoice, input: HtmlLineInput): Float64Array {
  const kept = new Set(input.readabilityParagraphs);
  const readabilitySelected = choice.features.map((line) => kept.has(line.text));
  return withHtmlFeatures(
    vectorsOf(choice),
    choice.features.length,
    readabilitySelected,
    input.linkShares,
  );
}

/** The HTML page's lines with the learned classifier's feature vectors (for training). */
export function htmlLineVectors(
  lines: readonly string[],
  options: DumpOptions,
  input: HtmlLineInput,
): { texts: string[]; vectors: Float64Array } {
  const choice = ruleChoice(lines, options);
  return { texts: choice.features.map((line) => line.text), vectors: htmlVectorsOf(choice, input) };
}

/**
 * The article's paragraphs among an HTML page's lines by a learned classifier (the rules'
 * verdicts and Readability's choice among its features), or null without a model (the default)
 * or when it finds (almost) nothing.
 */
export function learnedHtmlParagraphs(
  lines: readonly string[],
  options: DumpOptions,
  input: HtmlLineInput,
): string[] | null {
  const model = options.lineModel ?? null;
  if (model === null || model.trees.length === 0 || lines.length === 0) return null;
  const choice = ruleChoice(lines, options);
  const { features, classified } = choice;
  const margins = lineMargins(model, htmlVectorsOf(choice, input), features.length);
  const learned = smoothLines(margins, model.bias, model.switchCost);
  for (let index = 0; index < learned.length; index += 1) {
    if (features[index].inTemplate) learned[index] = false;
  }
  if (selectedChars(classified, learned) < MIN_LEARNED_BODY_CHARS) return null;
  const paragraphs: string[] = [];
  for (let index = 0; index < classified.length; index += 1) {
    if (learned[index]) paragraphs.push(classified[index].text);
  }
  return withoutIssuerBoilerplate(paragraphs);
}

function selectedChars(lines: readonly ClassifiedLine[], selected: readonly boolean[]): number {
  let chars = 0;
  for (let index = 0; index < lines.length; index += 1) {
    if (selected[index]) chars += lines[index].text.length;
  }
  return chars;
}

/** `analyzed`: the features of these lines when the caller already computed them. */
export function extractFromDump(
  lines: readonly string[],
  options: DumpOptions,
  analyzed?: readonly LineFeatures[],
): DumpExtraction {
  const choice = ruleChoice(lines, options, analyzed);
  const { features, classified, run, title, head, firstLine } = choice;
  const model = options.lineModel === undefined ? DEFAULT_LINE_MODEL : options.lineModel;
  let selected = choice.selected;
  if (model !== null && model.trees.length > 0 && features.length > 0) {
    const margins = lineMargins(model, vectorsOf(choice), features.length);
    const learned = smoothLines(margins, model.bias, model.switchCost);
    // The eval pages carry no source template: what the source's own pages teach is not the model's to overrule.
    for (let index = 0; index < learned.length; index += 1) {
      if (features[index].inTemplate) learned[index] = false;
    }
    // A page unlike any the model saw can leave it with (almost) nothing: the rules' body then stands.
    if (selectedChars(classified, learned) >= MIN_LEARNED_BODY_CHARS) selected = learned;
  }
  const paragraphs: string[] = [];
  for (let index = 0; index < classified.length; index += 1) {
    if (selected[index]) paragraphs.push(classified[index].text);
  }

  // The date and byline printed with the headline come first.
  const texts = features.map((line) => line.text);
  const headlineAt = title === null ? -1 : headlineLineIndex(texts, title, run.start);
  let publishedAt: string | null = dateNearHeadline(texts, headlineAt, options.receivedAt);
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

  const siteName = head.outlet ?? (DOMAIN_LINE.test(firstLine) ? firstLine : null);
  return {
    paragraphs: withoutIssuerBoilerplate(paragraphs),
    title,
    author:
      authorNearHeadline(texts, headlineAt) ?? findAuthor(classified, run, options.receivedAt),
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
    if (lines[next].kind === 'prose' || lines[next].kind === 'data') return true;
    if (lines[next].kind === 'boilerplate') return false;
  }
  return false;
}
