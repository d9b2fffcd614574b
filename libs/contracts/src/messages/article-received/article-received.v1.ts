import { z } from 'zod';
import { RAW_EXCHANGE } from '../../shared/exchanges';
import { isoInstant, nullableString } from '../../shared/primitives';

export const ARTICLE_RECEIVED_V1 = 'article.received.v1';

/** An article as a client posted it to ingest, before any cleaning. */
export const articleReceivedV1Schema = z
  .object({
    id: z.uuid(),
    receivedAt: isoInstant,
    url: nullableString(8192),
    source: nullableString(512),
    title: nullableString(2048),
    author: nullableString(1024),
    /** Free form, as the client sent it: the normalizer parses it. */
    publishedAt: nullableString(256),
    language: nullableString(16),
    text: z.string().nullable(),
    html: z.string().nullable(),
  })
  .refine((article) => article.text !== null || article.html !== null, {
    message: 'text or html is required',
    path: ['text'],
  });

export type ArticleReceivedV1 = z.infer<typeof articleReceivedV1Schema>;

export const articleReceivedV1 = {
  name: ARTICLE_RECEIVED_V1,
  exchange: RAW_EXCHANGE,
  /** Without the version, so `article.*` catches every version of it; `type` names the version. */
  routingKey: 'article.received',
  schema: articleReceivedV1Schema,
} as const;
