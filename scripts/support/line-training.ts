/**
 * Training of the dump path's learned line classifier (libs/text-processing/src/cleaning/line-model.ts):
 * line labels from the pages' truth, gradient-boosted depth-2 trees on binned features (logistic
 * loss, hand-written, deterministic: no sampling), and the smoothing's bias and switch cost chosen
 * on the training pages by their shingle F1.
 */
import {
  HTML_LINE_FEATURE_NAMES,
  LINE_FEATURE_NAMES,
  dumpTrainingLines,
  htmlTrainingLines,
} from '../../libs/text-processing/src/cleaning';
import type { LineModel } from '../../libs/text-processing/src/cleaning';
import { smoothLines, lineMargins } from '../../libs/text-processing/src/cleaning/line-model';
import { evalRawArticle } from './eval-raw-article';
import {
  type FoldedPage,
  type PageForm,
  type PrecisionRecall,
  averagedF1,
  scoreTokens,
  shingles,
} from './cleaning-data';

export interface TrainingPage {
  page: FoldedPage;
  /** Entries per line in `vectors`. */
  width: number;
  texts: string[];
  vectors: Float64Array;
  labels: Uint8Array;
  weights: Float64Array;
  truthShingles: Map<string, number>;
  /** Per line: its shingles, and how many of them the truth has (for a fast page score). */
  lineShingles: Float64Array;
  lineHits: Float64Array;
  truthShingleCount: number;
}

export interface BoostingSettings {
  rounds: number;
  learningRate: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Least summed hessian in a leaf. */
  minChildWeight: number;
  bins: number;
}

export const BOOSTING: BoostingSettings = {
  rounds: 150,
  learningRate: 0.1,
  lambda: 1,
  minChildWeight: 2,
  bins: 32,
};

/** A line is article when at least half its shingles (short lines: its words in order) are in the truth. */
const POSITIVE_SHARE = 0.5;
/** Each page weighs the same in training, spread over its lines by their length in words. */
const PAGE_WEIGHT = 100;
const LINE_WEIGHT_FLOOR = 2;

function lineLabel(
  tokens: readonly string[],
  truthShingles: ReadonlyMap<string, number>,
  truthJoined: string,
): { label: number; hits: number } {
  if (tokens.length === 0) return { label: 0, hits: 0 };
  if (tokens.length < 4) {
    return { label: truthJoined.includes(` ${tokens.join(' ')} `) ? 1 : 0, hits: 0 };
  }
  let found = 0;
  for (let index = 0; index + 4 <= tokens.length; index += 1) {
    if (truthShingles.has(tokens.slice(index, index + 4).join(' '))) found += 1;
  }
  return { label: found / (tokens.length - 3) >= POSITIVE_SHARE ? 1 : 0, hits: found };
}

export function featureNames(form: PageForm): readonly string[] {
  return form === 'html' ? HTML_LINE_FEATURE_NAMES : LINE_FEATURE_NAMES;
}

export function trainingPage(page: FoldedPage, form: PageForm): TrainingPage | null {
  const lines =
    form === 'html'
      ? htmlTrainingLines(evalRawArticle({ url: page.url, html: page.html }))
      : dumpTrainingLines(evalRawArticle({ url: page.url, text: page.dump }));
  if (lines === null || lines.texts.length === 0) return null;
  return labelledPage(page, lines.texts, lines.vectors, featureNames(form).length);
}

/** A page's lines (or blocks) with their feature vectors, labelled from the page's truth. */
export function labelledPage(
  page: FoldedPage,
  texts: string[],
  vectors: Float64Array,
  width: number,
): TrainingPage {
  const truthShingles = shingles(page.truth);
  const truthJoined = ` ${scoreTokens(page.truth).join(' ')} `;
  const labels = new Uint8Array(texts.length);
  const weights = new Float64Array(texts.length);
  const lineShingles = new Float64Array(texts.length);
  const lineHits = new Float64Array(texts.length);
  let total = 0;
  texts.forEach((text, index) => {
    const tokens = scoreTokens(text);
    const { label, hits } = lineLabel(tokens, truthShingles, truthJoined);
    labels[index] = label;
    lineHits[index] = hits;
    lineShingles[index] = Math.max(0, tokens.length - 3);
    weights[index] = tokens.length + LINE_WEIGHT_FLOOR;
    total += weights[index];
  });
  for (let index = 0; index < weights.length; index += 1) {
    weights[index] = (weights[index] / total) * PAGE_WEIGHT;
  }
  let truthShingleCount = 0;
  for (const count of truthShingles.values()) truthShingleCount += count;
  return {
    page,
    width,
    texts,
    vectors,
    labels,
    weights,
    truthShingles,
    lineShingles,
    lineHits,
    truthShingleCount,
  };
}

interface Matrix {
  rows: number;
  width: number;
  values: Float64Array;
  labels: Uint8Array;
  weights: Float64Array;
}

function stack(pages: readonly TrainingPage[]): Matrix {
  const width = pages[0]?.width ?? 0;
  const rows = pages.reduce((total, page) => total + page.texts.length, 0);
  const values = new Float64Array(rows * width);
  const labels = new Uint8Array(rows);
  const weights = new Float64Array(rows);
  let row = 0;
  for (const page of pages) {
    values.set(page.vectors, row * width);
    labels.set(page.labels, row);
    weights.set(page.weights, row);
    row += page.texts.length;
  }
  return { rows, width, values, labels, weights };
}

/** Candidate thresholds per feature: midpoints between distinct quantile values. */
function cutPoints(matrix: Matrix, bins: number): number[][] {
  const cuts: number[][] = [];
  const column = new Float64Array(matrix.rows);
  for (let feature = 0; feature < matrix.width; feature += 1) {
    for (let row = 0; row < matrix.rows; row += 1) {
      column[row] = matrix.values[row * matrix.width + feature];
    }
    const sorted = Float64Array.from(column).sort();
    const distinct: number[] = [];
    for (let bin = 0; bin <= bins; bin += 1) {
      const value = sorted[Math.min(sorted.length - 1, Math.floor((bin / bins) * sorted.length))];
      if (distinct.length === 0 || value > distinct[distinct.length - 1]) distinct.push(value);
    }
    const featureCuts: number[] = [];
    for (let index = 1; index < distinct.length; index += 1) {
      featureCuts.push((distinct[index - 1] + distinct[index]) / 2);
    }
    cuts.push(featureCuts);
  }
  return cuts;
}

/** bin = number of cut points ≤ value, so "value < cuts[j]" is "bin ≤ j". */
function binned(matrix: Matrix, cuts: readonly number[][]): Uint8Array {
  const bins = new Uint8Array(matrix.rows * matrix.width);
  for (let row = 0; row < matrix.rows; row += 1) {
    for (let feature = 0; feature < matrix.width; feature += 1) {
      const value = matrix.values[row * matrix.width + feature];
      const featureCuts = cuts[feature];
      let bin = 0;
      while (bin < featureCuts.length && featureCuts[bin] <= value) bin += 1;
      bins[row * matrix.width + feature] = bin;
    }
  }
  return bins;
}

interface Split {
  feature: number;
  cut: number;
  gain: number;
  left: { g: number; h: number };
  right: { g: number; h: number };
}

function bestSplit(
  rows: readonly number[],
  bins: Uint8Array,
  width: number,
  cuts: readonly number[][],
  gradients: Float64Array,
  hessians: Float64Array,
  settings: BoostingSettings,
): Split | null {
  let totalG = 0;
  let totalH = 0;
  for (const row of rows) {
    totalG += gradients[row];
    totalH += hessians[row];
  }
  const parentScore = (totalG * totalG) / (totalH + settings.lambda);
  let best: Split | null = null;
  const histogramG = new Float64Array(settings.bins + 2);
  const histogramH = new Float64Array(settings.bins + 2);
  for (let feature = 0; feature < width; feature += 1) {
    const featureCuts = cuts[feature];
    if (featureCuts.length === 0) continue;
    histogramG.fill(0);
    histogramH.fill(0);
    for (const row of rows) {
      const bin = bins[row * width + feature];
      histogramG[bin] += gradients[row];
      histogramH[bin] += hessians[row];
    }
    let leftG = 0;
    let leftH = 0;
    for (let cut = 0; cut < featureCuts.length; cut += 1) {
      leftG += histogramG[cut];
      leftH += histogramH[cut];
      const rightG = totalG - leftG;
      const rightH = totalH - leftH;
      if (leftH < settings.minChildWeight || rightH < settings.minChildWeight) continue;
      const gain =
        (leftG * leftG) / (leftH + settings.lambda) +
        (rightG * rightG) / (rightH + settings.lambda) -
        parentScore;
      if (best === null || gain > best.gain) {
        best = {
          feature,
          cut: featureCuts[cut],
          gain,
          left: { g: leftG, h: leftH },
          right: { g: rightG, h: rightH },
        };
      }
    }
  }
  return best !== null && best.gain > 1e-9 ? best : null;
}

/** A threshold no value reaches: the child did not split, both its leaves are the same. */
const NO_SPLIT = 1e300;

function leafValue(g: number, h: number, settings: BoostingSettings): number {
  return (-g / (h + settings.lambda)) * settings.learningRate;
}

function childTree(
  rows: readonly number[],
  bins: Uint8Array,
  width: number,
  cuts: readonly number[][],
  gradients: Float64Array,
  hessians: Float64Array,
  settings: BoostingSettings,
  total: { g: number; h: number },
): [number, number, number, number] {
  const split = bestSplit(rows, bins, width, cuts, gradients, hessians, settings);
  if (split === null) {
    const value = leafValue(total.g, total.h, settings);
    return [0, NO_SPLIT, value, value];
  }
  return [
    split.feature,
    split.cut,
    leafValue(split.left.g, split.left.h, settings),
    leafValue(split.right.g, split.right.h, settings),
  ];
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

function rounded(value: number): number {
  return Number(value.toPrecision(6));
}

/** Gradient boosting of depth-2 trees on the logistic loss; deterministic. */
export function boost(
  pages: readonly TrainingPage[],
  settings: BoostingSettings = BOOSTING,
): {
  base: number;
  trees: number[][];
} {
  const matrix = stack(pages);
  const cuts = cutPoints(matrix, settings.bins);
  const bins = binned(matrix, cuts);
  let positive = 0;
  let weightTotal = 0;
  for (let row = 0; row < matrix.rows; row += 1) {
    positive += matrix.labels[row] * matrix.weights[row];
    weightTotal += matrix.weights[row];
  }
  const prior = Math.min(0.99, Math.max(0.01, positive / weightTotal));
  const base = Math.log(prior / (1 - prior));
  const margins = new Float64Array(matrix.rows).fill(base);
  const gradients = new Float64Array(matrix.rows);
  const hessians = new Float64Array(matrix.rows);
  const allRows = Array.from({ length: matrix.rows }, (_, row) => row);
  const trees: number[][] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    for (let row = 0; row < matrix.rows; row += 1) {
      const p = sigmoid(margins[row]);
      gradients[row] = (p - matrix.labels[row]) * matrix.weights[row];
      hessians[row] = Math.max(p * (1 - p), 1e-6) * matrix.weights[row];
    }
    const root = bestSplit(allRows, bins, matrix.width, cuts, gradients, hessians, settings);
    if (root === null) break;
    const leftRows: number[] = [];
    const rightRows: number[] = [];
    for (const row of allRows) {
      if (matrix.values[row * matrix.width + root.feature] < root.cut) leftRows.push(row);
      else rightRows.push(row);
    }
    const left = childTree(
      leftRows,
      bins,
      matrix.width,
      cuts,
      gradients,
      hessians,
      settings,
      root.left,
    );
    const right = childTree(
      rightRows,
      bins,
      matrix.width,
      cuts,
      gradients,
      hessians,
      settings,
      root.right,
    );
    const tree = [root.feature, root.cut, ...left, ...right].map(rounded);
    trees.push(tree);
    for (let row = 0; row < matrix.rows; row += 1) {
      const offset = row * matrix.width;
      if (matrix.values[offset + tree[0]] < tree[1]) {
        margins[row] += matrix.values[offset + tree[2]] < tree[3] ? tree[4] : tree[5];
      } else {
        margins[row] += matrix.values[offset + tree[6]] < tree[7] ? tree[8] : tree[9];
      }
    }
  }
  return { base: rounded(base), trees };
}

export const BIAS_GRID = [-1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5, 2, 3];
export const SWITCH_COST_GRID = [0, 0.5, 1, 2, 3, 5];

/**
 * The page's score for the smoothed selection, counted per line (shingles across line breaks and
 * the library's last filters left out: fast enough for a grid search).
 */
function selectedScore(
  page: TrainingPage,
  margins: Float64Array,
  bias: number,
  switchCost: number,
): PrecisionRecall {
  const inArticle = smoothLines(margins, bias, switchCost);
  let predicted = 0;
  let hits = 0;
  for (let index = 0; index < inArticle.length; index += 1) {
    if (!inArticle[index]) continue;
    predicted += page.lineShingles[index];
    hits += page.lineHits[index];
  }
  if (page.truthShingleCount === 0)
    return predicted === 0 ? { precision: 1, recall: 1 } : { precision: 0, recall: 0 };
  if (hits === 0) return { precision: 0, recall: 0 };
  return { precision: hits / predicted, recall: Math.min(1, hits / page.truthShingleCount) };
}

interface ScoredSelection {
  bias: number;
  switchCost: number;
  f1: number;
  scores: PrecisionRecall[];
}

function chooseSmoothingOn(
  pages: ReadonlyArray<{ page: TrainingPage; margins: Float64Array }>,
  biases: readonly number[] = BIAS_GRID,
  switchCosts: readonly number[] = SWITCH_COST_GRID,
): ScoredSelection {
  let best: ScoredSelection = { bias: 0, switchCost: 0, f1: -1, scores: [] };
  for (const switchCost of switchCosts) {
    for (const bias of biases) {
      const scores = pages.map(({ page, margins }) =>
        selectedScore(page, margins, bias, switchCost),
      );
      const { f1 } = averagedF1(scores);
      if (f1 > best.f1 + 1e-9) best = { bias, switchCost, f1, scores };
    }
  }
  return best;
}

/** Page scores of a model's smoothed selection (line-counted, before the library's last filters). */
export function selectionScores(
  pages: readonly TrainingPage[],
  model: LineModel,
): PrecisionRecall[] {
  return chooseSmoothingOn(
    pages.map((page) => ({ page, margins: lineMargins(model, page.vectors, page.texts.length) })),
    [model.bias],
    [model.switchCost],
  ).scores;
}

/**
 * Trains the trees on all the given pages. The smoothing (bias, switch cost) is chosen on log-odds
 * the trees did not see: each half of the pages (split by site) scored by trees trained on the
 * other half, so it is not tuned to the training fit.
 */
export function trainLineModel(
  pages: readonly TrainingPage[],
  form: PageForm,
  settings: BoostingSettings = BOOSTING,
  names: readonly string[] = featureNames(form),
): LineModel {
  const features = [...names];
  const outOfHalf: Array<{ page: TrainingPage; margins: Float64Array }> = [];
  for (const half of [0, 1]) {
    const trainOn = pages.filter((page) => page.page.half !== half);
    const scoreOn = pages.filter((page) => page.page.half === half);
    if (trainOn.length === 0 || scoreOn.length === 0) continue;
    const halfModel = { ...boost(trainOn, settings), features, bias: 0, switchCost: 0 };
    for (const page of scoreOn) {
      outOfHalf.push({ page, margins: lineMargins(halfModel, page.vectors, page.texts.length) });
    }
  }
  const { bias, switchCost } = chooseSmoothingOn(outOfHalf);
  const { base, trees } = boost(pages, settings);
  return { features, base, trees, bias, switchCost };
}

/** The pages that train and score in a form: all HTML pages, the scored dumps (see the modern set's recall rule). */
export function trainingPages(
  pages: readonly FoldedPage[],
  form: PageForm = 'dump',
): TrainingPage[] {
  const result: TrainingPage[] = [];
  for (const page of pages) {
    if (form === 'dump' && !page.dumpScored) continue;
    const training = trainingPage(page, form);
    if (training !== null) result.push(training);
  }
  return result;
}
