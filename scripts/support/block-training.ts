/**
 * Training data of the HTML path's learned block classifier
 * (libs/text-processing/src/cleaning/html-block-model.ts): every text block of each eval page with
 * its feature vector, labelled from the page's truth as the line model's lines are
 * (scripts/support/line-training.ts), and the same boosting and smoothing choice.
 */
import { BLOCK_FEATURE_NAMES, htmlBlockTraining } from '../../libs/text-processing/src/cleaning';
import type { LineModel } from '../../libs/text-processing/src/cleaning';
import { lineMargins, smoothLines } from '../../libs/text-processing/src/cleaning/line-model';
import { blockModelParagraphs } from '../../libs/text-processing/src/cleaning/html-block-model';
import { evalRawArticle } from './eval-raw-article';
import { type FoldedPage, type PrecisionRecall, precisionRecall } from './cleaning-data';
import {
  BOOSTING,
  type BoostingSettings,
  type TrainingPage,
  labelledPage,
  trainLineModel,
} from './line-training';

export interface BlockTrainingPage extends TrainingPage {
  furniture: boolean[];
  inContent: Float64Array;
  readabilityParagraphs: string[];
}

/** Every HTML page Readability runs on, with its blocks' vectors and labels. */
export function blockTrainingPages(pages: readonly FoldedPage[]): BlockTrainingPage[] {
  const result: BlockTrainingPage[] = [];
  for (const page of pages) {
    const blocks = htmlBlockTraining(evalRawArticle({ url: page.url, html: page.html }));
    if (blocks === null || blocks.texts.length === 0) continue;
    const labelled = labelledPage(page, blocks.texts, blocks.vectors, BLOCK_FEATURE_NAMES.length);
    // The blocks Readability's post-filters leave out stay out whatever the model says
    // (`blockModelParagraphs`): they count for nothing when the smoothing is chosen.
    blocks.furniture.forEach((furniture, index) => {
      if (!furniture) return;
      labelled.lineShingles[index] = 0;
      labelled.lineHits[index] = 0;
    });
    result.push({
      ...labelled,
      furniture: blocks.furniture,
      inContent: blocks.inContent,
      readabilityParagraphs: blocks.readabilityParagraphs,
    });
  }
  return result;
}

/**
 * The line model's boosting with 300 rounds: held out (site folds) 150 rounds gave dev .971 /
 * modern .960, 300 rounds .971 / .963, 500 rounds a smoothing choice at the grid's edge (.912 / .919).
 */
export const BLOCK_BOOSTING: BoostingSettings = { ...BOOSTING, rounds: 300 };

export function trainBlockModel(pages: readonly BlockTrainingPage[]): LineModel {
  return trainLineModel(pages, 'html', BLOCK_BOOSTING, BLOCK_FEATURE_NAMES);
}

/** The page's body text as the library gives it with this model. */
export function blockModelText(page: BlockTrainingPage, model: LineModel): string {
  const margins = lineMargins(model, page.vectors, page.texts.length);
  const selected = smoothLines(margins, model.bias, model.switchCost);
  const paragraphs = blockModelParagraphs(selected, page) ?? page.readabilityParagraphs;
  return paragraphs.join('\n\n');
}

export function blockModelScore(page: BlockTrainingPage, model: LineModel): PrecisionRecall {
  return precisionRecall(page.page.truth, blockModelText(page, model));
}
