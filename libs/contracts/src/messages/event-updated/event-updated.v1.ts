import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { EventSnapshot, eventSnapshotSchema } from '../../shared/event-snapshot';

export const EVENT_UPDATED_V1 = 'event.updated.v1';

export const eventUpdatedV1Schema = eventSnapshotSchema;
export type EventUpdatedV1 = EventSnapshot;

export const eventUpdatedV1 = {
  name: EVENT_UPDATED_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `event.*` catches every version of it; `type` names the version. */
  routingKey: 'event.updated',
  schema: eventUpdatedV1Schema,
} as const;
