/**
 * The commonest English function words. Generated prose alternates them with content words, as
 * real prose does: the cleaner tells prose from furniture partly by them.
 */
export const FUNCTION_WORDS: readonly string[] = [
  'the',
  'of',
  'and',
  'to',
  'in',
  'a',
  'that',
  'for',
  'was',
  'on',
  'with',
  'by',
  'at',
  'from',
  'has',
  'will',
  'their',
  'after',
  'which',
  'were',
];
