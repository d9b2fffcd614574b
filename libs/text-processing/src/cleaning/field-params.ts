import type { DumpTitleModel } from './dump-title';
import titleModelData from './models/dump-title-model.json';

/** The committed dump headline ranker (`npm run train:cleaning` writes it). */
export const DEFAULT_DUMP_TITLE_MODEL: DumpTitleModel = titleModelData;

/**
 * The few numbers the field rules choose candidates by. The defaults are what cross-validation on
 * the modern eval pages picked (scripts/support/field-scores.ts); the eval passes other values to
 * measure them on held-out folds.
 */
export interface FieldParams {
  /** Word overlap (Dice) with a metadata title from which an `<h1>` is taken as the headline. */
  h1Agreement: number;
  /** How much better an `<h1>` that disagrees with the metadata must agree with the URL's slug to win. */
  titleSlugMargin: number;
  /** When a page states no publication date, its last-modified date stands for it. */
  modifiedDateFallback: boolean;
  /** The date printed by the headline wins over the metadata's (else it only fills a gap). */
  visibleDateFirst: boolean;
  /** Longest line of a dump still read as its headline. */
  dumpHeadlineMaxWords: number;
  /** The dump headline ranker's weights (learned: models/dump-title-model.json). */
  dumpTitleModel: DumpTitleModel;
  /** How far another line must score above a dump's first line (its document title) to win. */
  dumpFirstLineMargin: number;
}

export const DEFAULT_FIELD_PARAMS: Readonly<FieldParams> = {
  h1Agreement: 0.4,
  titleSlugMargin: 0.2,
  modifiedDateFallback: true,
  visibleDateFirst: true,
  dumpHeadlineMaxWords: 40,
  dumpTitleModel: DEFAULT_DUMP_TITLE_MODEL,
  dumpFirstLineMargin: 1,
};
