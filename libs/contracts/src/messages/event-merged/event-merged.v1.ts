import { z } from 'zod';
import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { isoInstant } from '../../shared/primitives';

export const EVENT_MERGED_V1 = 'event.merged.v1';

/**
 * Later articles showed two events to be one story: `eventId` is absorbed into `mergedInto` and
 * ends. Each of `articleIds` (its first copies and duplicates) also gets an `article.moved.v1`
 * with reason `merge`, and the surviving event an `event.updated.v1`. `version` is the absorbed
 * event's last version (one more than its last snapshot's), so a consumer that already holds a
 * newer state of that id, or applies this twice, can tell.
 */
export const eventMergedV1Schema = z.object({
  eventId: z.uuid(),
  mergedInto: z.uuid(),
  articleIds: z.array(z.uuid()).max(100_000),
  version: z.number().int().min(2),
  mergedAt: isoInstant,
});

export type EventMergedV1 = z.infer<typeof eventMergedV1Schema>;

export const eventMergedV1 = {
  name: EVENT_MERGED_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `event.*` catches every version of it; `type` names the version. */
  routingKey: 'event.merged',
  schema: eventMergedV1Schema,
} as const;
