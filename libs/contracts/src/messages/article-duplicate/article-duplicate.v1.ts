import { z } from 'zod';
import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { processedArticleBase } from '../../shared/primitives';

export const ARTICLE_DUPLICATE_V1 = 'article.duplicate.v1';

/** The same article again: it points at the first copy and carries that copy's event. */
export const articleDuplicateV1Schema = processedArticleBase.extend({
  duplicateOf: z.uuid(),
  eventId: z.uuid(),
  text: z.string(),
});

export type ArticleDuplicateV1 = z.infer<typeof articleDuplicateV1Schema>;

export const articleDuplicateV1 = {
  name: ARTICLE_DUPLICATE_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `article.*` catches every version of it; `type` names the version. */
  routingKey: 'article.duplicate',
  schema: articleDuplicateV1Schema,
} as const;
