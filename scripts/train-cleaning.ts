/**
 * Trains the dump path's learned line classifier on both page sets beside the repo
 * (../shared/eval) and writes libs/text-processing/src/cleaning/models/dump-line-model.json.
 * Deterministic: the same pages give the same file. Prints the site-grouped 5-fold figures of the
 * line selection (counted per line, before the library's last filters; `npm run eval:cleaning`
 * scores the whole cleaning the same way, and the HTML path's learned alternative).
 * Usage: npm run train:cleaning [-- --check]   (--check: compare with the committed files, write nothing)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EVAL_DIRECTORY,
  FOLDS,
  PAGE_SETS,
  type PageForm,
  averagedF1,
  loadSet,
} from './support/cleaning-data';
import type { PrecisionRecall } from './support/cleaning-data';
import { selectionScores, trainLineModel, trainingPages } from './support/line-training';

const MODEL_DIRECTORY = join(
  __dirname,
  '..',
  'libs',
  'text-processing',
  'src',
  'cleaning',
  'models',
);
const MODEL_FILES: Partial<Record<PageForm, string>> = { dump: 'dump-line-model.json' };

function main(): void {
  const pages = PAGE_SETS.flatMap((set) => loadSet(set) ?? []);
  if (pages.length === 0) {
    console.log(`train-cleaning: no page sets in ${EVAL_DIRECTORY}; nothing to train on.`);
    process.exitCode = 1;
    return;
  }
  const check = process.argv.includes('--check');
  for (const form of ['dump'] as const) {
    const training = trainingPages(pages, form);
    const lines = training.reduce((total, page) => total + page.texts.length, 0);
    console.log(`${form}: ${training.length} training pages, ${lines} lines`);
    const heldOut = new Map<string, PrecisionRecall[]>();
    for (let fold = 0; fold < FOLDS; fold += 1) {
      const model = trainLineModel(
        training.filter((page) => page.page.fold !== fold),
        form,
      );
      const held = training.filter((page) => page.page.fold === fold);
      const scores = selectionScores(held, model);
      held.forEach((page, index) => {
        const key = page.page.set;
        heldOut.set(key, [...(heldOut.get(key) ?? []), scores[index]]);
      });
    }
    const model = trainLineModel(training, form);
    for (const set of PAGE_SETS) {
      const inSet = training.filter((page) => page.page.set === set.name);
      const whole = selectionScores(inSet, model);
      console.log(
        `${set.name} ${form}: line selection F1 whole ${averagedF1(whole).f1.toFixed(3)} held-out ${averagedF1(heldOut.get(set.name) ?? []).f1.toFixed(3)} (${inSet.length} pages)`,
      );
    }
    const name = MODEL_FILES[form] ?? `${form}-line-model.json`;
    const file = join(MODEL_DIRECTORY, name);
    const json = `${JSON.stringify(model)}\n`;
    if (check) {
      const same = readFileSync(file, 'utf8') === json;
      console.log(
        `${MODEL_FILES[form]} ${same ? 'is up to date' : 'differs from a fresh training'}`,
      );
      if (!same) process.exitCode = 1;
      continue;
    }
    writeFileSync(file, json);
    console.log(
      `wrote ${file} (${(json.length / 1024).toFixed(1)} KB, ${model.trees.length} trees, bias=${model.bias}, switch_cost=${model.switchCost})`,
    );
  }
}

main();
