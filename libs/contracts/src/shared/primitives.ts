import { z } from 'zod';

/** An ISO-8601 instant with an explicit offset, as every message carries times. */
export const isoInstant = z.iso.datetime({ offset: true });

export const nullableString = (max: number) => z.string().max(max).nullable();

/** Fields every processed article shares, whatever its outcome. */
export const processedArticleBase = z.object({
  id: z.uuid(),
  url: nullableString(8192),
  canonicalUrl: nullableString(8192),
  source: nullableString(512),
  title: nullableString(2048),
  author: nullableString(1024),
  publishedAt: isoInstant.nullable(),
  language: nullableString(16),
  receivedAt: isoInstant,
  processedAt: isoInstant,
});
