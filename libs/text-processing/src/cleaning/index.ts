export * from './cleaning.types';
export {
  cleanArticle,
  CLEANING_LIMITS,
  dumpTrainingLines,
  htmlTrainingLines,
  htmlBlockTraining,
} from './clean-article';
export { BLOCK_FEATURE_NAMES, DEFAULT_BLOCK_MODEL } from './html-block-model';
export type { CleaningOptions } from './clean-article';
export { DEFAULT_LINE_MODEL, HTML_LINE_FEATURE_NAMES, LINE_FEATURE_NAMES } from './line-model';
export type { LineModel } from './line-model';
export { cleanArticleAsVisibleText } from './visible-text';
export { DEFAULT_FIELD_PARAMS } from './field-params';
export type { FieldParams } from './field-params';
export {
  templateLineKey,
  normalizeTemplateLine,
  isTemplateLine,
  DEFAULT_TEMPLATE_POLICY,
} from './template';
export type { TemplateLineCounts, TemplatePolicy } from './template';
export { normalizeUrl } from './urls';
export { parseDateText } from './dates';
export { dateFromUrl } from './url-date';
export { detectLanguage } from './language';
