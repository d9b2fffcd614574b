import { z } from 'zod';
import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { processedArticleBase } from '../../shared/primitives';

export const ARTICLE_REJECTED_V1 = 'article.rejected.v1';

/** Accepted input that holds no article (an empty page, a section front): kept with the reason. */
export const articleRejectedV1Schema = processedArticleBase.extend({
  reason: z.string().min(1).max(1024),
});

export type ArticleRejectedV1 = z.infer<typeof articleRejectedV1Schema>;

export const articleRejectedV1 = {
  name: ARTICLE_REJECTED_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `article.*` catches every version of it; `type` names the version. */
  routingKey: 'article.rejected',
  schema: articleRejectedV1Schema,
} as const;
