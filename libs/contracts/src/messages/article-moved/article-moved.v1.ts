import { z } from 'zod';
import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { isoInstant } from '../../shared/primitives';

export const ARTICLE_MOVED_V1 = 'article.moved.v1';

/**
 * An article (a first copy or a duplicate) now belongs to another event: its event merged into
 * another (`merge`), or later articles showed it is another story (`split`, possibly into a new
 * event). `version` counts the article's event assignments: the one its `article.normalized.v1` or
 * `article.duplicate.v1` carried is 1, each move adds one. A consumer keeps, per article, the
 * assignment with the highest version, so it may apply these in any order and more than once.
 */
export const articleMovedV1Schema = z.object({
  articleId: z.uuid(),
  fromEventId: z.uuid(),
  toEventId: z.uuid(),
  version: z.number().int().min(2),
  reason: z.enum(['merge', 'split']),
  movedAt: isoInstant,
});

export type ArticleMovedV1 = z.infer<typeof articleMovedV1Schema>;

export const articleMovedV1 = {
  name: ARTICLE_MOVED_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `article.*` catches every version of it; `type` names the version. */
  routingKey: 'article.moved',
  schema: articleMovedV1Schema,
} as const;
