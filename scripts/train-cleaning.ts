/**
 * Trains the dump path's line classifier on both page sets beside the repo (../shared/eval) and
 * writes it to libs/text-processing/src/cleaning/dump-line-model.json. Deterministic: the same pages give
 * the same file. Prints the site-grouped 5-fold figures of the line selection (before the
 * library's last filters; `npm run eval:cleaning` scores the whole cleaning the same way).
 * Usage: npm run train:cleaning [-- --check]   (--check: compare with the committed file, write nothing)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVAL_DIRECTORY, FOLDS, PAGE_SETS, averagedF1, loadSet } from './support/cleaning-data';
import type { PrecisionRecall } from './support/cleaning-data';
import { selectionScores, trainLineModel, trainingPages } from './support/line-training';

const MODEL_FILE = join(
  __dirname,
  '..',
  'libs',
  'text-processing',
  'src',
  'cleaning',
  'dump-line-model.json',
);

function main(): void {
  const pages = PAGE_SETS.flatMap((set) => loadSet(set) ?? []);
  if (pages.length === 0) {
    console.log(`train-cleaning: no page sets in ${EVAL_DIRECTORY}; nothing to train on.`);
    process.exitCode = 1;
    return;
  }
  const training = trainingPages(pages);
  const lines = training.reduce((total, page) => total + page.texts.length, 0);
  console.log(`training pages: ${training.length} scored dumps, ${lines} lines`);
  const heldOut = new Map<string, PrecisionRecall[]>();
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const model = trainLineModel(training.filter((page) => page.page.fold !== fold));
    const held = training.filter((page) => page.page.fold === fold);
    const scores = selectionScores(held, model);
    held.forEach((page, index) => {
      const key = page.page.set;
      heldOut.set(key, [...(heldOut.get(key) ?? []), scores[index]]);
    });
  }
  const model = trainLineModel(training);
  for (const set of PAGE_SETS) {
    const inSet = training.filter((page) => page.page.set === set.name);
    const whole = selectionScores(inSet, model);
    console.log(
      `${set.name} dumps: line selection F1 whole ${averagedF1(whole).f1.toFixed(3)} held-out ${averagedF1(heldOut.get(set.name) ?? []).f1.toFixed(3)} (${inSet.length} pages)`,
    );
  }
  const json = `${JSON.stringify(model)}\n`;
  if (process.argv.includes('--check')) {
    const same = readFileSync(MODEL_FILE, 'utf8') === json;
    console.log(
      same
        ? 'dump-line-model.json is up to date'
        : 'dump-line-model.json differs from a fresh training',
    );
    process.exitCode = same ? 0 : 1;
    return;
  }
  writeFileSync(MODEL_FILE, json);
  console.log(
    `wrote ${MODEL_FILE} (${(json.length / 1024).toFixed(1)} KB, ${model.trees.length} trees, bias=${model.bias}, switch_cost=${model.switchCost})`,
  );
}

main();
