import { z } from 'zod';
import { isoInstant } from './primitives';

/**
 * The whole state of an event after a change. `version` grows with every change, so a consumer
 * that sees them out of order keeps the newest.
 */
export const eventSnapshotSchema = z.object({
  id: z.uuid(),
  title: z.string().max(2048).nullable(),
  articleCount: z.number().int().nonnegative(),
  sources: z.array(z.string().max(512)).max(10_000),
  firstPublishedAt: isoInstant.nullable(),
  lastPublishedAt: isoInstant.nullable(),
  version: z.number().int().positive(),
  updatedAt: isoInstant,
});

export type EventSnapshot = z.infer<typeof eventSnapshotSchema>;
