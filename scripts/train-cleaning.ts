/**
 * Trains the cleaning's learned models on both page sets beside the repo (../shared/eval) and
 * writes them to libs/text-processing/src/cleaning/models/: the dump path's line classifier
 * (dump-line-model.json), the HTML path's block model (html-block-model.json) and the dump
 * headline ranker (dump-title-model.json, scripts/support/title-training.ts). Deterministic: the
 * same pages give the same files. Prints the site-grouped 5-fold figures of each (lines counted
 * before the library's last filters; `npm run eval:cleaning` scores the whole cleaning the same
 * way).
 * Usage: npm run train:cleaning [-- --check] [-- --titles-only] [-- --blocks-only]   (--check:
 * compare with the committed files, write nothing; --titles-only: the headline ranker alone;
 * --blocks-only: the HTML block model alone)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EVAL_DIRECTORY,
  FOLDS,
  type FoldedPage,
  PAGE_SETS,
  type PageForm,
  averagedF1,
  loadSet,
  precisionRecall,
} from './support/cleaning-data';
import type { LineModel } from '@newsflow/text-processing';
import type { PrecisionRecall } from './support/cleaning-data';
import { selectionScores, trainLineModel, trainingPages } from './support/line-training';
import { blockModelScore, blockTrainingPages, trainBlockModel } from './support/block-training';
import {
  type TitleExample,
  devTitleExample,
  modernTitleExample,
  trainDumpTitleModel,
} from './support/title-training';
import {
  type DumpTitleModel,
  bestDumpTitle,
} from '../libs/text-processing/src/cleaning/dump-title';

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
  const blocksOnly = process.argv.includes('--blocks-only');
  const titlesOnly = process.argv.includes('--titles-only');
  for (const form of titlesOnly || blocksOnly ? [] : (['dump'] as const)) {
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
    saveModel(MODEL_FILES[form] ?? `${form}-line-model.json`, model, check, treesSummary(model));
  }
  if (!titlesOnly) trainBlocks(pages, check);
  if (!blocksOnly) trainTitleRanker(pages, check);
}

/**
 * The HTML path's block model (models/html-block-model.json, scripts/support/block-training.ts):
 * trained on both sets' HTML pages; held-out figure by the same site folds (the page's body text as
 * the library gives it, before the last steps of `cleanArticle`).
 */
function trainBlocks(pages: readonly FoldedPage[], check: boolean): void {
  const training = blockTrainingPages(pages);
  const blocks = training.reduce((total, page) => total + page.texts.length, 0);
  console.log(`html blocks: ${training.length} training pages, ${blocks} blocks`);
  const heldOut = new Map<string, PrecisionRecall[]>();
  const readability = new Map<string, PrecisionRecall[]>();
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const model = trainBlockModel(training.filter((page) => page.page.fold !== fold));
    for (const page of training.filter((item) => item.page.fold === fold)) {
      const key = page.page.set;
      heldOut.set(key, [...(heldOut.get(key) ?? []), blockModelScore(page, model)]);
      readability.set(key, [
        ...(readability.get(key) ?? []),
        precisionRecall(page.page.truth, page.readabilityParagraphs.join('\n\n')),
      ]);
    }
  }
  const model = trainBlockModel(training);
  for (const set of PAGE_SETS) {
    const inSet = training.filter((page) => page.page.set === set.name);
    const whole = inSet.map((page) => blockModelScore(page, model));
    console.log(
      `${set.name} html blocks: F1 Readability ${averagedF1(readability.get(set.name) ?? []).f1.toFixed(3)}, model whole ${averagedF1(whole).f1.toFixed(3)} held-out ${averagedF1(heldOut.get(set.name) ?? []).f1.toFixed(3)} (${inSet.length} pages)`,
    );
  }
  saveModel('html-block-model.json', model, check, treesSummary(model));
}

/**
 * The dump headline ranker: trained on the modern set's scored dumps (their true titles) and the
 * older set's dumps (the headline their HTML repeats); held-out figure by the same site folds.
 */
function trainTitleRanker(pages: readonly FoldedPage[], check: boolean): void {
  const examples = pages.flatMap((page) => {
    if (page.set === 'modern' && !page.dumpScored) return [];
    const title = (page as { title?: unknown }).title;
    const example =
      page.set === 'modern'
        ? typeof title === 'string'
          ? modernTitleExample({ url: page.url, dump: page.dump, title })
          : null
        : devTitleExample(page);
    return example !== null ? [{ page, example }] : [];
  });
  const receivedAt = '2026-06-01T00:00:00.000Z';
  const ranksFirst = (example: TitleExample, model: DumpTitleModel): boolean => {
    const best = bestDumpTitle(example.candidates, model, receivedAt);
    return example.positives.some((index) => example.candidates[index].text === best);
  };
  for (const set of PAGE_SETS) {
    let heldRight = 0;
    let total = 0;
    for (let fold = 0; fold < FOLDS; fold += 1) {
      const model = trainDumpTitleModel(
        examples.filter((item) => item.page.fold !== fold).map((item) => item.example),
      );
      for (const item of examples) {
        if (item.page.fold !== fold || item.page.set !== set.name) continue;
        total += 1;
        if (ranksFirst(item.example, model)) heldRight += 1;
      }
    }
    console.log(
      `${set.name} dump headline: ranked first held-out ${heldRight}/${total} (pages with a headline line: ${examples.filter((item) => item.page.set === set.name && item.example.positives.length > 0).length})`,
    );
  }
  const model = trainDumpTitleModel(examples.map((item) => item.example));
  saveModel('dump-title-model.json', model, check, JSON.stringify(model.weights));
}

main();

/**
 * Writes a trained model to models/`name` (`summary` printed after it), or with `check` compares
 * it with the committed file and fails the run when they differ.
 */
function saveModel(name: string, model: unknown, check: boolean, summary: string): void {
  const file = join(MODEL_DIRECTORY, name);
  const json = `${JSON.stringify(model)}\n`;
  if (check) {
    const same = readFileSync(file, 'utf8') === json;
    console.log(`${name} ${same ? 'is up to date' : 'differs from a fresh training'}`);
    if (!same) process.exitCode = 1;
    return;
  }
  writeFileSync(file, json);
  console.log(`wrote ${file} (${(json.length / 1024).toFixed(1)} KB): ${summary}`);
}

function treesSummary(model: LineModel): string {
  return `${model.trees.length} trees, bias=${model.bias}, switch_cost=${model.switchCost}`;
}
