import { z } from 'zod';
import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { processedArticleBase } from '../../shared/primitives';

export const ARTICLE_NORMALIZED_V1 = 'article.normalized.v1';

/** A unique article: cleaned, with the event it belongs to. */
export const articleNormalizedV1Schema = processedArticleBase.extend({
  eventId: z.uuid(),
  text: z.string(),
});

export type ArticleNormalizedV1 = z.infer<typeof articleNormalizedV1Schema>;

export const articleNormalizedV1 = {
  name: ARTICLE_NORMALIZED_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `article.*` catches every version of it; `type` names the version. */
  routingKey: 'article.normalized',
  schema: articleNormalizedV1Schema,
} as const;
