export * from './cleaning.types';
export { cleanArticle, CLEANING_LIMITS } from './clean-article';
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
