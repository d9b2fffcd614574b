/**
 * The HTML path's learned block classifier: per text block of the whole page a vector of features
 * (its text, its links, its place in the DOM, whether Readability's container holds it and whether
 * Readability's filtered paragraphs kept it, its neighbours'), depth-2 trees giving the log-odds
 * that the block belongs to the article, and the two-state Viterbi pass of the line model smoothing
 * them over the page. The model is data (`models/html-block-model.json`, written by
 * `npm run train:cleaning`); nothing here does I/O.
 */
import { stopWordDensity } from './language';
import { type LineModel, lineMargins, smoothLines } from './line-model';
import { wordTokens } from './tokens';
import { trimEdges, withoutIssuerBoilerplate } from './boilerplate-patterns';
import modelData from './models/html-block-model.json';
import { SENTENCE_END } from './text-normalize';

/** Where a page block sits in the DOM, for the block model's features (`html-block-model.ts`). */
export interface BlockPlace {
  /** `BLOCK_TAG_CODES` of the innermost block element around its text. */
  tag: number;
  /** `BLOCK_FLAGS` of its ancestors. */
  flags: number;
  depth: number;
  /** Numbers the innermost block element around its text, unique within the page. */
  container: number;
  /** Its first and last text nodes, to find it in Readability's container. */
  first: unknown;
  last: unknown;
}

/** Tag codes of a block's innermost block element (0: none but the root). */
export const BLOCK_TAG_CODES: ReadonlyMap<string, number> = new Map([
  ['P', 1],
  ['H1', 2],
  ['H2', 3],
  ['H3', 3],
  ['H4', 3],
  ['H5', 3],
  ['H6', 3],
  ['LI', 4],
  ['DT', 5],
  ['DD', 5],
  ['BLOCKQUOTE', 6],
  ['PRE', 7],
  ['DIV', 8],
  ['SECTION', 8],
  ['ARTICLE', 8],
  ['MAIN', 8],
  ['HEADER', 9],
  ['FOOTER', 9],
  ['ASIDE', 9],
  ['NAV', 9],
  ['FORM', 9],
  ['ADDRESS', 9],
  ['FIGURE', 10],
  ['TABLE', 11],
  ['TR', 11],
  ['TBODY', 11],
  ['THEAD', 11],
  ['UL', 12],
  ['OL', 12],
  ['DL', 12],
]);
export const BLOCK_TAG_COUNT = 13;

/** Ancestor flags of a page block. */
export const BLOCK_FLAGS = {
  article: 1,
  furnitureHint: 2,
  header: 4,
  list: 8,
  table: 16,
  quote: 32,
  figure: 64,
  form: 128,
  bodyHint: 256,
  heading: 512,
} as const;

/** What the HTML path knows of the page's blocks when the model runs. */
export interface BlockInput {
  texts: readonly string[];
  linkShares: readonly number[];
  places: readonly BlockPlace[];
  /** Per block: 1 when Readability's container holds its first and last text, 0.5 one of them. */
  inContent: Float64Array;
  /** Per block: Readability's filtered paragraphs have its text. */
  kept: readonly boolean[];
  /** Per block: the post-filters' verdict (a caption, promo, byline, date line or headline link). */
  furniture: readonly boolean[];
  /** The page's title and `<h1>`s, squashed to compare. */
  titleKeys: ReadonlySet<string>;
  language: string | null;
}

const FLAG_NAMES = Object.keys(BLOCK_FLAGS) as Array<keyof typeof BLOCK_FLAGS>;
const TAG_NAMES = Array.from({ length: BLOCK_TAG_COUNT }, (_, code) => `tag_${code}`);
const NEIGHBOUR_OFFSETS = [-2, -1, 1, 2] as const;
const NEIGHBOUR_FEATURES = [
  'log_chars',
  'link_share',
  'in_content',
  'kept',
  'stop_density',
  'same_container',
] as const;
const WINDOW = 5;

const LOCAL_FEATURES = [
  'log_chars',
  'log_words',
  'stop_density',
  'ends_sentence',
  'punctuation_per_word',
  'numeric_share',
  'capitalised_share',
  'starts_lower',
  'link_share',
  ...TAG_NAMES,
  ...FLAG_NAMES.map((name) => `in_${name}`),
  'in_content',
  'kept',
  'is_title',
  'relative_position',
  'log_before_anchor',
  'log_after_anchor',
  'depth_from_anchor',
  'anchor_container',
  'container_chars_share',
  'log_container_blocks',
  'between_content',
  'log_repeats',
  'has_break',
  'furniture_filter',
  'log_before_content',
  'log_after_content',
  'container_content_share',
  'copy_in_content',
] as const;
const WINDOW_FEATURES = ['window_content_share', 'window_kept_share', 'window_prose_share'];

export const BLOCK_FEATURE_NAMES: readonly string[] = [
  ...LOCAL_FEATURES,
  ...NEIGHBOUR_OFFSETS.flatMap((offset) =>
    NEIGHBOUR_FEATURES.map((name) => `${name}@${offset > 0 ? '+' : ''}${offset}`),
  ),
  ...WINDOW_FEATURES,
];

function checked(data: LineModel): LineModel | null {
  return data.trees.length > 0 && data.features.join(',') === BLOCK_FEATURE_NAMES.join(',')
    ? data
    : null;
}

/**
 * The trained block model, or null (Readability with its filters alone) when it was trained on
 * other features than these: html-block-model.spec.ts fails then, and `npm run train:cleaning`
 * rewrites it.
 */
export const DEFAULT_BLOCK_MODEL: LineModel | null = checked(modelData);

/** A block of prose: long enough and mostly not link text. */
const PROSE_CHARS = 80;
/** The densest prose is looked for in windows of this many blocks either side. */
const ANCHOR_WINDOW = 3;

interface TextStats {
  words: number;
  stopDensity: number;
  punctuation: number;
  numeric: number;
  capitalised: number;
}

/** Counts read the first characters of a long block, scaled to its length (prose does not change). */
const STATS_SAMPLE_CHARS = 500;

function textStats(text: string, language: string | null): TextStats {
  const sampled = text.length > STATS_SAMPLE_CHARS;
  const sample = sampled ? text.slice(0, STATS_SAMPLE_CHARS) : text;
  const scale = sampled ? text.length / STATS_SAMPLE_CHARS : 1;
  const words = wordTokens(sample);
  let numeric = 0;
  for (const word of words) {
    const code = word.charCodeAt(0);
    if (code >= 48 && code <= 57) numeric += 1;
  }
  let punctuation = 0;
  let capitalised = 0;
  let atWordStart = true;
  for (let index = 0; index < sample.length; index += 1) {
    const code = sample.charCodeAt(index);
    // , . ; : ! ?
    if (code === 44 || code === 46 || code === 59 || code === 58 || code === 33 || code === 63) {
      punctuation += 1;
    }
    if (code === 32) {
      atWordStart = true;
      continue;
    }
    if (atWordStart && code >= 65 && code <= 90) capitalised += 1;
    atWordStart = false;
  }
  return {
    words: Math.round(words.length * scale),
    stopDensity: stopWordDensity(words, language),
    punctuation: punctuation * scale,
    numeric: numeric * scale,
    capitalised: capitalised * scale,
  };
}

/** Letters and digits only, lower case: how a title and a block are compared. */
export function squashedKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Whether a block is the page's title or an `<h1>` (squashed only when the lengths are close). */
export function isTitleBlock(text: string, titleKeys: ReadonlySet<string>): boolean {
  if (titleKeys.size === 0 || text.length >= 300) return false;
  for (const key of titleKeys) {
    if (text.length >= key.length && text.length <= key.length * 1.5 + 8) {
      return titleKeys.has(squashedKey(text));
    }
  }
  return false;
}

/**
 * Feature vectors of the page's blocks, row after row (`BLOCK_FEATURE_NAMES.length` per block).
 * Linear in the page: neighbours and windows read fixed offsets or running sums.
 */
export function blockVectors(input: BlockInput): Float64Array {
  const { texts, linkShares, places, inContent, kept } = input;
  const count = texts.length;
  const width = BLOCK_FEATURE_NAMES.length;
  const rows = new Float64Array(count * width);
  const stats = texts.map((text) => textStats(text, input.language));
  const prose = new Float64Array(count);
  const containerChars = new Map<number, number>();
  const containerBlocks = new Map<number, number>();
  const containerContent = new Map<number, number>();
  const repeats = new Map<string, number>();
  /** Per text, how many of its blocks Readability's container holds (a copy of the article). */
  const copiesInContent = new Map<string, number>();
  let totalChars = 0;
  let firstContent = -1;
  let lastContent = -1;
  for (let index = 0; index < count; index += 1) {
    const text = texts[index];
    const chars = text.length;
    totalChars += chars;
    prose[index] = chars >= PROSE_CHARS && (linkShares[index] ?? 0) < 0.5 ? chars : 0;
    const container = places[index].container;
    containerChars.set(container, (containerChars.get(container) ?? 0) + chars);
    containerBlocks.set(container, (containerBlocks.get(container) ?? 0) + 1);
    containerContent.set(container, (containerContent.get(container) ?? 0) + inContent[index]);
    if (chars < 200) repeats.set(text, (repeats.get(text) ?? 0) + 1);
    if (inContent[index] > 0) copiesInContent.set(text, (copiesInContent.get(text) ?? 0) + 1);
    if (inContent[index] > 0) {
      if (firstContent < 0) firstContent = index;
      lastContent = index;
    }
  }
  // The anchor: the block at the centre of the densest window of prose.
  const prosePrefix = new Float64Array(count + 1);
  const contentPrefix = new Float64Array(count + 1);
  const keptPrefix = new Float64Array(count + 1);
  const proseCountPrefix = new Float64Array(count + 1);
  for (let index = 0; index < count; index += 1) {
    prosePrefix[index + 1] = prosePrefix[index] + prose[index];
    contentPrefix[index + 1] = contentPrefix[index] + inContent[index];
    keptPrefix[index + 1] = keptPrefix[index] + (kept[index] ? 1 : 0);
    proseCountPrefix[index + 1] = proseCountPrefix[index] + (prose[index] > 0 ? 1 : 0);
  }
  let anchor = 0;
  let anchorScore = -1;
  for (let index = 0; index < count; index += 1) {
    const from = Math.max(0, index - ANCHOR_WINDOW);
    const to = Math.min(count, index + ANCHOR_WINDOW + 1);
    const score = prosePrefix[to] - prosePrefix[from];
    if (score > anchorScore) {
      anchorScore = score;
      anchor = index;
    }
  }
  const anchorPlace = places[anchor];
  const neighbourValues = new Float64Array(count * NEIGHBOUR_FEATURES.length);
  for (let index = 0; index < count; index += 1) {
    const at = index * NEIGHBOUR_FEATURES.length;
    neighbourValues[at] = Math.log1p(texts[index].length);
    neighbourValues[at + 1] = linkShares[index] ?? 0;
    neighbourValues[at + 2] = inContent[index];
    neighbourValues[at + 3] = kept[index] ? 1 : 0;
    neighbourValues[at + 4] = stats[index].stopDensity;
  }
  for (let index = 0; index < count; index += 1) {
    const text = texts[index];
    const stat = stats[index];
    const place = places[index];
    let offset = index * width;
    const put = (value: number): void => {
      rows[offset] = value;
      offset += 1;
    };
    put(Math.log1p(text.length));
    put(Math.log1p(stat.words));
    put(stat.stopDensity);
    put(SENTENCE_END.test(text) ? 1 : 0);
    put(stat.punctuation / Math.max(1, stat.words));
    put(stat.numeric / Math.max(1, stat.words));
    put(Math.min(1, stat.capitalised / Math.max(1, stat.words)));
    const first = text.charCodeAt(0);
    put(first >= 97 && first <= 122 ? 1 : 0);
    put(linkShares[index] ?? 0);
    for (let code = 0; code < BLOCK_TAG_COUNT; code += 1) put(place.tag === code ? 1 : 0);
    for (const name of FLAG_NAMES) put((place.flags & BLOCK_FLAGS[name]) !== 0 ? 1 : 0);
    put(inContent[index]);
    put(kept[index] ? 1 : 0);
    put(isTitleBlock(text, input.titleKeys) ? 1 : 0);
    put(count > 1 ? index / (count - 1) : 0);
    put(Math.log1p(Math.max(0, anchor - index)));
    put(Math.log1p(Math.max(0, index - anchor)));
    put(place.depth - anchorPlace.depth);
    put(place.container === anchorPlace.container ? 1 : 0);
    put(totalChars > 0 ? (containerChars.get(place.container) ?? 0) / totalChars : 0);
    put(Math.log1p(containerBlocks.get(place.container) ?? 1));
    put(firstContent >= 0 && index >= firstContent && index <= lastContent ? 1 : 0);
    put(text.length < 200 ? Math.log1p((repeats.get(text) ?? 1) - 1) : 0);
    put(text.includes('\n') ? 1 : 0);
    put(input.furniture[index] ? 1 : 0);
    put(firstContent < 0 ? -1 : Math.log1p(Math.max(0, firstContent - index)));
    put(firstContent < 0 ? -1 : Math.log1p(Math.max(0, index - lastContent)));
    put((containerContent.get(place.container) ?? 0) / (containerBlocks.get(place.container) ?? 1));
    put(inContent[index] === 0 && (copiesInContent.get(text) ?? 0) > 0 ? 1 : 0);
    for (const delta of NEIGHBOUR_OFFSETS) {
      const neighbour = index + delta;
      const inPage = neighbour >= 0 && neighbour < count;
      const at = neighbour * NEIGHBOUR_FEATURES.length;
      for (let feature = 0; feature < NEIGHBOUR_FEATURES.length - 1; feature += 1) {
        put(inPage ? neighbourValues[at + feature] : -1);
      }
      put(inPage ? (places[neighbour].container === place.container ? 1 : 0) : -1);
    }
    const from = Math.max(0, index - WINDOW);
    const to = Math.min(count, index + WINDOW + 1);
    put((contentPrefix[to] - contentPrefix[from]) / (to - from));
    put((keptPrefix[to] - keptPrefix[from]) / (to - from));
    put((proseCountPrefix[to] - proseCountPrefix[from]) / (to - from));
  }
  return rows;
}

/** Which of the page's blocks the model puts in the article (smoothed over the page). */
export function selectBlocks(model: LineModel, input: BlockInput): boolean[] {
  const count = input.texts.length;
  if (count === 0) return [];
  const margins = lineMargins(model, blockVectors(input), count);
  return smoothLines(margins, model.bias, model.switchCost);
}

/** A block model's selection shorter than this leaves Readability's paragraphs standing. */
const MIN_BLOCK_MODEL_CHARS = 200;

/**
 * The article's paragraphs from the model's selection: the blocks Readability's post-filters name
 * furniture (and the headline) stay out, and so does a block outside Readability's container whose
 * text the selection already has (a second copy of the article, laid out for another screen);
 * labels and headings at the edges go, then a press release's issuer part; null when (almost)
 * nothing is left (Readability's paragraphs stand then).
 */
export function blockModelParagraphs(
  selected: readonly boolean[],
  input: Pick<BlockInput, 'texts' | 'furniture' | 'inContent'>,
): string[] | null {
  const chosen: string[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < selected.length; index += 1) {
    if (!selected[index] || input.furniture[index]) continue;
    const text = input.texts[index];
    if (input.inContent[index] === 0 && seen.has(text)) continue;
    seen.add(text);
    chosen.push(text);
  }
  const trimmed = trimEdges(chosen);
  let chars = 0;
  for (const paragraph of trimmed) chars += paragraph.length;
  return chars >= MIN_BLOCK_MODEL_CHARS ? withoutIssuerBoilerplate(trimmed) : null;
}
