/**
 * The learned line classifier of the dump path: per line a vector of features (the rule
 * classifier's verdicts among them), a small ensemble of depth-2 trees giving the log-odds that
 * the line belongs to the article, and a two-state Viterbi pass that smooths those log-odds over
 * the page (switching between article and furniture costs `switchCost`). The model is data
 * (`models/dump-line-model.json`, written by `npm run train:cleaning`); nothing here does I/O.
 */
import type { ClassifiedLine, LineFeatures } from './dump-extract';
import modelData from './models/dump-line-model.json';
import { SENTENCE_END } from './text-normalize';

/**
 * One depth-2 tree as 10 numbers: root feature and threshold, then for the left (value < threshold)
 * and right child their feature, threshold and two leaf values.
 */
export type DepthTwoTree = readonly number[];

export interface LineModel {
  /** Names of the vector's entries, in order (checked against `LINE_FEATURE_NAMES`). */
  features: readonly string[];
  base: number;
  trees: readonly DepthTwoTree[];
  /** Added to every line's log-odds before smoothing (chosen on the training pages). */
  bias: number;
  /** Cost, in log-odds, of switching between article and furniture from one line to the next. */
  switchCost: number;
}

/** The span the rule classifier chose, to place each line relative to it. */
export interface RuleRun {
  start: number;
  end: number;
}

const STARTS_LOWER = /^\p{Ll}/u;
const LINKISH = /https?:|www\.|@|©|\||»|›/;
const NEIGHBOUR_OFFSETS = [-2, -1, 1, 2] as const;
const WINDOW = 5;
const KINDS = ['prose', 'data', 'heading', 'short', 'boilerplate'] as const;

const LOCAL_FEATURES = [
  'log_chars',
  'log_words',
  'stop_density',
  'ends_sentence',
  'punctuation_per_word',
  'numeric_share',
  'capitalised_share',
  'truncated',
  'glued',
  'furniture_pattern',
  'end_of_article',
  'rail',
  'rule_prose',
  ...KINDS.map((kind) => `kind_${kind}`),
  'wall',
  'in_rule_run',
  'rule_selected',
  'relative_position',
  'log_lines_before_run',
  'log_lines_after_run',
  'log_group_size',
  'log_repeats',
  'is_title',
  'starts_lower',
  'linkish',
] as const;
const NEIGHBOUR_FEATURES = [
  'log_chars',
  'rule_prose',
  'rule_selected',
  'kind_boilerplate',
] as const;
const WINDOW_FEATURES = ['window_selected_share', 'window_prose_share'] as const;

export const LINE_FEATURE_NAMES: readonly string[] = [
  ...LOCAL_FEATURES,
  ...NEIGHBOUR_OFFSETS.flatMap((offset) =>
    NEIGHBOUR_FEATURES.map((name) => `${name}@${offset > 0 ? '+' : ''}${offset}`),
  ),
  ...WINDOW_FEATURES,
];

/** On the HTML path, after the dump features: what Readability and the page's links say. */
const HTML_FEATURES = [
  'readability_selected',
  'readability_selected@-1',
  'readability_selected@+1',
  'window_readability_share',
  'link_share',
  'link_share@-1',
  'link_share@+1',
] as const;

export const HTML_LINE_FEATURE_NAMES: readonly string[] = [...LINE_FEATURE_NAMES, ...HTML_FEATURES];

function checked(data: LineModel, names: readonly string[]): LineModel | null {
  return data.trees.length > 0 && data.features.join(',') === names.join(',') ? data : null;
}

/**
 * The trained dump model, or null (the rules alone) when it was trained on other features than
 * these: line-model.spec.ts fails then, and `npm run train:cleaning` rewrites it. The HTML path has
 * no default model: on held-out sites one trained on these features did not beat Readability
 * with its filters on both sets (docs/decisions/learned-lines.md).
 */
export const DEFAULT_LINE_MODEL: LineModel | null = checked(modelData, LINE_FEATURE_NAMES);

/** The dump features of a page's lines widened by the HTML ones (`HTML_LINE_FEATURE_NAMES`). */
export function withHtmlFeatures(
  rows: Float64Array,
  count: number,
  readabilitySelected: readonly boolean[],
  linkShares: readonly number[],
): Float64Array {
  const base = LINE_FEATURE_NAMES.length;
  const width = HTML_LINE_FEATURE_NAMES.length;
  const wide = new Float64Array(count * width);
  const selectedPrefix = new Float64Array(count + 1);
  for (let index = 0; index < count; index += 1) {
    selectedPrefix[index + 1] = selectedPrefix[index] + (readabilitySelected[index] ? 1 : 0);
  }
  const flag = (index: number): number =>
    index < 0 || index >= count ? -1 : readabilitySelected[index] ? 1 : 0;
  const share = (index: number): number =>
    index < 0 || index >= count ? -1 : (linkShares[index] ?? 0);
  for (let index = 0; index < count; index += 1) {
    const offset = index * width;
    wide.set(rows.subarray(index * base, index * base + base), offset);
    const from = Math.max(0, index - WINDOW);
    const to = Math.min(count, index + WINDOW + 1);
    wide[offset + base] = flag(index);
    wide[offset + base + 1] = flag(index - 1);
    wide[offset + base + 2] = flag(index + 1);
    wide[offset + base + 3] = (selectedPrefix[to] - selectedPrefix[from]) / (to - from);
    wide[offset + base + 4] = share(index);
    wide[offset + base + 5] = share(index - 1);
    wide[offset + base + 6] = share(index + 1);
  }
  return wide;
}

function capitalisedShare(text: string, words: number): number {
  if (words === 0) return 0;
  let capitalised = 0;
  let atWordStart = true;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 32) {
      atWordStart = true;
      continue;
    }
    if (atWordStart) {
      if (code < 128) {
        if (code >= 65 && code <= 90) capitalised += 1;
      } else {
        const char = text[index];
        if (char !== char.toLowerCase()) capitalised += 1;
      }
    }
    atWordStart = false;
  }
  return Math.min(1, capitalised / words);
}

function punctuationCount(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    // , . ; : ! ?
    if (code === 44 || code === 46 || code === 59 || code === 58 || code === 33 || code === 63) {
      count += 1;
    }
  }
  return count;
}

/**
 * Feature vectors of a page's lines, row after row in one array (`LINE_FEATURE_NAMES.length`
 * per line). Linear in the page: neighbours and windows read fixed offsets or running sums.
 */
export function lineVectors(
  features: readonly LineFeatures[],
  classified: readonly ClassifiedLine[],
  run: RuleRun,
  selected: readonly boolean[],
  titleKey: string,
): Float64Array {
  const count = features.length;
  const width = LINE_FEATURE_NAMES.length;
  const rows = new Float64Array(count * width);
  const repeats = new Map<string, number>();
  const groupSizes = new Map<number, number>();
  for (const line of features) {
    if (line.comparable.length > 0) {
      repeats.set(line.comparable, (repeats.get(line.comparable) ?? 0) + 1);
    }
    groupSizes.set(line.group, (groupSizes.get(line.group) ?? 0) + 1);
  }
  const selectedPrefix = new Float64Array(count + 1);
  const prosePrefix = new Float64Array(count + 1);
  for (let index = 0; index < count; index += 1) {
    selectedPrefix[index + 1] = selectedPrefix[index] + (selected[index] ? 1 : 0);
    prosePrefix[index + 1] = prosePrefix[index] + (features[index].prose ? 1 : 0);
  }
  // Per-line values the neighbour features read, computed once.
  const neighbourValues = new Float64Array(count * NEIGHBOUR_FEATURES.length);
  for (let index = 0; index < count; index += 1) {
    const at = index * NEIGHBOUR_FEATURES.length;
    neighbourValues[at] = Math.log1p(features[index].text.length);
    neighbourValues[at + 1] = features[index].prose ? 1 : 0;
    neighbourValues[at + 2] = selected[index] ? 1 : 0;
    neighbourValues[at + 3] = classified[index].kind === 'boilerplate' ? 1 : 0;
  }
  for (let index = 0; index < count; index += 1) {
    const line = features[index];
    const kind = classified[index];
    const text = line.text;
    let offset = index * width;
    const put = (value: number): void => {
      rows[offset] = value;
      offset += 1;
    };
    put(neighbourValues[index * NEIGHBOUR_FEATURES.length]);
    put(Math.log1p(line.words));
    put(line.stopDensity);
    put(SENTENCE_END.test(text) ? 1 : 0);
    put(punctuationCount(text) / Math.max(1, line.words));
    put(line.numericShare);
    put(capitalisedShare(text, line.words));
    put(line.truncated ? 1 : 0);
    put(line.glued ? 1 : 0);
    put(line.furniture ? 1 : 0);
    put(line.endOfArticle ? 1 : 0);
    put(line.rail ? 1 : 0);
    put(line.prose ? 1 : 0);
    for (const name of KINDS) put(kind.kind === name ? 1 : 0);
    put(kind.wall ? 1 : 0);
    put(index >= run.start && index <= run.end ? 1 : 0);
    put(selected[index] ? 1 : 0);
    put(count > 1 ? index / (count - 1) : 0);
    put(Math.log1p(Math.max(0, run.start - index)));
    put(Math.log1p(Math.max(0, index - run.end)));
    put(Math.log1p(groupSizes.get(line.group) ?? 1));
    put(Math.log1p((repeats.get(line.comparable) ?? 1) - 1));
    put(titleKey.length > 0 && line.comparable === titleKey ? 1 : 0);
    put(STARTS_LOWER.test(text) ? 1 : 0);
    put(text.length < 300 && LINKISH.test(text) ? 1 : 0);
    for (const delta of NEIGHBOUR_OFFSETS) {
      const neighbour = index + delta;
      const inPage = neighbour >= 0 && neighbour < count;
      const at = neighbour * NEIGHBOUR_FEATURES.length;
      for (let feature = 0; feature < NEIGHBOUR_FEATURES.length; feature += 1) {
        put(inPage ? neighbourValues[at + feature] : -1);
      }
    }
    const from = Math.max(0, index - WINDOW);
    const to = Math.min(count, index + WINDOW + 1);
    put((selectedPrefix[to] - selectedPrefix[from]) / (to - from));
    put((prosePrefix[to] - prosePrefix[from]) / (to - from));
  }
  return rows;
}

/** The trees as one flat array (10 numbers each), built once per model. */
const flatTrees = new WeakMap<LineModel, Float64Array>();

function flattened(model: LineModel): Float64Array {
  let flat = flatTrees.get(model);
  if (flat === undefined) {
    flat = new Float64Array(model.trees.length * 10);
    model.trees.forEach((tree, index) => flat?.set(tree, index * 10));
    flatTrees.set(model, flat);
  }
  return flat;
}

/** Log-odds of each row (`model.features.length` entries per line) under the model's trees. */
export function lineMargins(model: LineModel, rows: Float64Array, count: number): Float64Array {
  const width = model.features.length;
  const trees = flattened(model);
  const margins = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const offset = index * width;
    let margin = model.base;
    for (let at = 0; at < trees.length; at += 10) {
      if (rows[offset + trees[at]] < trees[at + 1]) {
        margin += rows[offset + trees[at + 2]] < trees[at + 3] ? trees[at + 4] : trees[at + 5];
      } else {
        margin += rows[offset + trees[at + 6]] < trees[at + 7] ? trees[at + 8] : trees[at + 9];
      }
    }
    margins[index] = margin;
  }
  return margins;
}

/**
 * Two-state Viterbi over the lines: being in the article scores a line's log-odds plus `bias`,
 * being out scores 0, each switch costs `switchCost`. Returns which lines are article.
 */
export function smoothLines(
  margins: ArrayLike<number>,
  bias: number,
  switchCost: number,
): boolean[] {
  const count = margins.length;
  const fromIn = new Uint8Array(count);
  const fromOut = new Uint8Array(count);
  let scoreOut = 0;
  let scoreIn = -switchCost;
  for (let index = 0; index < count; index += 1) {
    const emitIn = margins[index] + bias;
    const stayIn = scoreIn;
    const enterIn = scoreOut - switchCost;
    const stayOut = scoreOut;
    const leaveIn = scoreIn - switchCost;
    // 1 = the best way into this state came from "in".
    fromIn[index] = stayIn >= enterIn ? 1 : 0;
    fromOut[index] = leaveIn > stayOut ? 1 : 0;
    scoreIn = Math.max(stayIn, enterIn) + emitIn;
    scoreOut = Math.max(stayOut, leaveIn);
  }
  const inArticle = new Array<boolean>(count).fill(false);
  let state = scoreIn > scoreOut ? 1 : 0;
  for (let index = count - 1; index >= 0; index -= 1) {
    inArticle[index] = state === 1;
    state = state === 1 ? fromIn[index] : fromOut[index];
  }
  return inArticle;
}
