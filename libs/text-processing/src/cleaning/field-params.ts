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
  /** Weight of a dump line's agreement with the URL's slug in the headline score. */
  dumpSlugWeight: number;
  /** Weight of a date or byline line right under a dump line in the headline score. */
  dumpMetaWeight: number;
  /** Weight of a dump line printed twice (the document title over the page's h1). */
  dumpRepeatWeight: number;
  /** Weight of a dump line that repeats the dump's first line (the document title). */
  dumpFirstLineWeight: number;
  /** Score from which a dump line beats the dump's first line as its headline. */
  dumpTitleMinScore: number;
}

export const DEFAULT_FIELD_PARAMS: Readonly<FieldParams> = {
  h1Agreement: 0.4,
  titleSlugMargin: 0.2,
  modifiedDateFallback: true,
  visibleDateFirst: true,
  dumpHeadlineMaxWords: 40,
  dumpSlugWeight: 8,
  dumpMetaWeight: 2,
  dumpTitleMinScore: 3,
  dumpRepeatWeight: 0,
  dumpFirstLineWeight: 0,
};
