import { PROCESSED_EXCHANGE } from '../../shared/exchanges';
import { EventSnapshot, eventSnapshotSchema } from '../../shared/event-snapshot';

export const EVENT_CREATED_V1 = 'event.created.v1';

export const eventCreatedV1Schema = eventSnapshotSchema;
export type EventCreatedV1 = EventSnapshot;

export const eventCreatedV1 = {
  name: EVENT_CREATED_V1,
  exchange: PROCESSED_EXCHANGE,
  /** Without the version, so `event.*` catches every version of it; `type` names the version. */
  routingKey: 'event.created',
  schema: eventCreatedV1Schema,
} as const;
