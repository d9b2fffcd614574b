/**
 * Training data and training of the dump headline ranker (`dump-title.ts`): every line of a dump
 * that could be its headline, labelled by the page's known headline, and a linear scorer fitted
 * by softmax cross-entropy over each page's candidates (full-batch gradient descent, L2,
 * deterministic: the same pages give the same weights).
 *
 * Labels: the modern set's `title` (a candidate is the headline when it equals the title after
 * folding, or the title is the candidate plus an " | Outlet" part); the older set's headline is
 * the `<h1>` its `<title>`/og:title repeats (scripts/eval-titles.ts, `pageTitleCase`).
 */
import {
  DUMP_TITLE_FEATURE_NAMES,
  type DumpTitleModel,
  type TitleCandidate,
} from '../../libs/text-processing/src/cleaning/dump-title';
import { dumpTitleTraining } from '../../libs/text-processing/src/cleaning/clean-article';
import { type EvalPage, judgeTitle, pageTitleCase } from '../eval-titles';
import { evalRawArticle } from './eval-raw-article';

export interface TitleExample {
  candidates: TitleCandidate[];
  /** Indices into `candidates` of the lines that are the headline (none: the page teaches nothing). */
  positives: number[];
}

const RECEIVED_AT = '2026-06-01T00:00:00.000Z';
const ITERATIONS = 400;
const LEARNING_RATE = 0.5;
const L2 = 0.002;

/** Case, whitespace and quote marks folded away (the field scoring's comparison form). */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’‚‛′`´"'“”„‟″«»]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const OUTLET_PART = /^\s*(?:[|–—•·:-]|::)\s*\S/u;

function isHeadline(candidate: string, title: string): boolean {
  const line = fold(candidate);
  const truth = fold(title);
  if (line.length === 0) return false;
  return line === truth || (truth.startsWith(line) && OUTLET_PART.test(truth.slice(line.length)));
}

/** A modern page's dump and its true title. */
export function modernTitleExample(page: {
  url: string;
  dump: string;
  title: string;
}): TitleExample | null {
  const candidates = dumpTitleTraining(
    evalRawArticle({ url: page.url, text: page.dump, receivedAt: RECEIVED_AT }),
  );
  if (candidates === null) return null;
  const positives = candidates.flatMap((candidate, index) =>
    isHeadline(candidate.text, page.title) ? [index] : [],
  );
  return { candidates, positives };
}

/** An older page's dump and the headline its HTML repeats in `<title>`/og:title. */
export function devTitleExample(page: EvalPage): TitleExample | null {
  const candidates = dumpTitleTraining(evalRawArticle({ url: page.url, text: page.dump }));
  if (candidates === null) return null;
  const positives = candidates.flatMap((candidate, index) =>
    judgeTitle(pageTitleCase(page, candidate.text)) === 'exact' ? [index] : [],
  );
  return { candidates, positives };
}

/** Weights that rank each page's headline first (softmax over its candidates). */
export function trainDumpTitleModel(examples: readonly TitleExample[]): DumpTitleModel {
  const size = DUMP_TITLE_FEATURE_NAMES.length;
  const weights = new Array<number>(size).fill(0);
  const used = examples.filter(
    (example) => example.positives.length > 0 && example.candidates.length > 1,
  );
  if (used.length === 0) return { weights };
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    const gradient = new Array<number>(size).fill(0);
    for (const { candidates, positives } of used) {
      const scores = candidates.map((candidate) =>
        candidate.vector.reduce((sum, value, index) => sum + value * weights[index], 0),
      );
      const top = Math.max(...scores);
      const exps = scores.map((score) => Math.exp(score - top));
      const total = exps.reduce((sum, value) => sum + value, 0);
      const positiveTotal = positives.reduce((sum, index) => sum + exps[index], 0);
      const positiveSet = new Set(positives);
      candidates.forEach((candidate, index) => {
        const predicted = exps[index] / total;
        const target = positiveSet.has(index) ? exps[index] / positiveTotal : 0;
        const difference = predicted - target;
        if (difference === 0) return;
        candidate.vector.forEach((value, feature) => {
          gradient[feature] += difference * value;
        });
      });
    }
    for (let feature = 0; feature < size; feature += 1) {
      weights[feature] -= LEARNING_RATE * (gradient[feature] / used.length + L2 * weights[feature]);
    }
  }
  return { weights: weights.map((weight) => Math.round(weight * 1000) / 1000) };
}
