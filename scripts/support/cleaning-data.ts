/**
 * The two page-extraction sets beside the repo (../shared/eval), their scoring (4-word shingle
 * precision / recall, the benchmarks' definition) and site-grouped folds for cross-validation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EvalPage } from '../eval-titles';

export type PageForm = 'html' | 'dump';

export interface PageSet {
  name: 'dev' | 'modern';
  file: string;
  /** Score dumps only where the raw dump holds ≥ 90% of the truth's shingles (articles in collapsed tabs). */
  dumpRecallRule: boolean;
}

export const PAGE_SETS: readonly PageSet[] = [
  { name: 'dev', file: 'pages-dev.jsonl.gz', dumpRecallRule: false },
  { name: 'modern', file: 'pages-modern-dev.jsonl.gz', dumpRecallRule: true },
];

export const EVAL_DIRECTORY = join(__dirname, '..', '..', '..', 'shared', 'eval');
export const FOLDS = 5;
const MIN_DUMP_RECALL = 0.9;

export interface FoldedPage extends EvalPage {
  set: PageSet['name'];
  host: string;
  fold: number;
  /** 0 or 1, independent of the fold: splits training pages in two for choosing settings. */
  half: number;
  /** The page's dump is scored (and used for training): see `dumpRecallRule`. */
  dumpScored: boolean;
}

const TOKEN = /[\p{L}\p{N}\p{M}_]+/gu;
const SHINGLE_SIZE = 4;

export function scoreTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export function shingles(text: string): Map<string, number> {
  const tokens = scoreTokens(text);
  const counts = new Map<string, number>();
  for (let index = 0; index + SHINGLE_SIZE <= tokens.length; index += 1) {
    const shingle = tokens.slice(index, index + SHINGLE_SIZE).join(' ');
    counts.set(shingle, (counts.get(shingle) ?? 0) + 1);
  }
  return counts;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
}

/** The benchmark's definition: multiset overlap; empty-vs-empty is perfect, no overlap is zero. */
export function precisionRecallOf(
  truthShingles: ReadonlyMap<string, number>,
  predicted: string,
): PrecisionRecall {
  const predictedShingles = shingles(predicted);
  let truePositives = 0;
  let predictedTotal = 0;
  let truthTotal = 0;
  for (const count of truthShingles.values()) truthTotal += count;
  for (const [shingle, count] of predictedShingles) {
    predictedTotal += count;
    truePositives += Math.min(count, truthShingles.get(shingle) ?? 0);
  }
  const falsePositives = predictedTotal - truePositives;
  const falseNegatives = truthTotal - truePositives;
  if (falsePositives === 0 && falseNegatives === 0) return { precision: 1, recall: 1 };
  if (truePositives === 0) return { precision: 0, recall: 0 };
  return {
    precision: truePositives / (truePositives + falsePositives),
    recall: truePositives / (truePositives + falseNegatives),
  };
}

export function precisionRecall(truth: string, predicted: string): PrecisionRecall {
  return precisionRecallOf(shingles(truth), predicted);
}

/** F1 of the page-averaged precision and recall (scrapinghub's definition). */
export function averagedF1(scores: readonly PrecisionRecall[]): {
  precision: number;
  recall: number;
  f1: number;
} {
  if (scores.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = scores.reduce((total, score) => total + score.precision, 0) / scores.length;
  const recall = scores.reduce((total, score) => total + score.recall, 0) / scores.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}

/** FNV-1a 32-bit: a host's fold must not depend on the order or the other pages. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value = Math.imul(value ^ text.charCodeAt(index), 0x01000193) >>> 0;
  }
  return value;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\d?\./, '');
  } catch {
    return url;
  }
}

export function foldOfHost(host: string): number {
  return hash(host) % FOLDS;
}

function halfOfHost(host: string): number {
  return (hash(host) >>> 16) & 1;
}

export function loadSet(set: PageSet): FoldedPage[] | null {
  const file = join(EVAL_DIRECTORY, set.file);
  if (!existsSync(file)) return null;
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const page = JSON.parse(line) as EvalPage;
      const host = hostOf(page.url);
      const dumpScored =
        !set.dumpRecallRule || precisionRecall(page.truth, page.dump).recall >= MIN_DUMP_RECALL;
      return {
        ...page,
        set: set.name,
        host,
        fold: foldOfHost(host),
        half: halfOfHost(host),
        dumpScored,
      };
    });
}
