/**
 * The few numbers the field rules choose candidates by. The defaults are what cross-validation on
 * the modern eval pages picked (scripts/support/field-scores.ts); the eval passes other values to
 * measure them on held-out folds.
 */
export interface FieldParams {
  /** Word overlap (Dice) with a metadata title from which an `<h1>` is taken as the headline. */
  h1Agreement: number;
  /** When a page states no publication date, its last-modified date stands for it. */
  modifiedDateFallback: boolean;
  /** The date printed by the headline wins over the metadata's (else it only fills a gap). */
  visibleDateFirst: boolean;
  /** Longest opening line of a dump still read as its headline. */
  dumpHeadlineMaxWords: number;
}

export const DEFAULT_FIELD_PARAMS: Readonly<FieldParams> = {
  h1Agreement: 0.6,
  modifiedDateFallback: true,
  visibleDateFirst: true,
  dumpHeadlineMaxWords: 30,
};
