import type {
  Channel,
  ChannelModel,
  ConfirmChannel,
  GetMessage,
  Message,
  MessagePropertyHeaders,
  Options,
} from 'amqplib';
import {
  ATTEMPT_HEADER,
  LAST_ERROR_HEADER,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
  PARKED_AT_HEADER,
  PARKED_REASON_HEADER,
} from './amqp.context';
import { NORMALIZER_QUEUE, STORE_QUEUE, parkingQueueName } from './topology';

/** The consumers that park messages, by the name operators use for them. */
export const PARKING_QUEUES = {
  normalizer: parkingQueueName(NORMALIZER_QUEUE),
  store: parkingQueueName(STORE_QUEUE),
} as const;
export type ParkingConsumer = keyof typeof PARKING_QUEUES;

export function isParkingConsumer(value: string): value is ParkingConsumer {
  return Object.prototype.hasOwnProperty.call(PARKING_QUEUES, value);
}

/** What an operator needs to know about one parked message. */
export interface ParkedMessage {
  messageId: string;
  type: string;
  correlationId: string;
  reason: string;
  parkedAt: string;
  originalExchange: string | null;
  originalRoutingKey: string | null;
  /** Retries it went through before it was parked. */
  attempts: number;
  lastError: string | null;
  bodyBytes: number;
}

export interface ReplayOptions {
  /** Replay only the message with this `message_id`. */
  messageId?: string;
  /** Replay at most this many. */
  limit?: number;
}

export interface ReplayReport {
  replayed: ParkedMessage[];
  /** Left in the parking queue, with why they could not be replayed. */
  skipped: Array<{ message: ParkedMessage; problem: string }>;
}

/** Headers the transport adds on the way to the parking queue; a replay starts without them. */
const TRANSPORT_HEADERS = new Set<string>([
  ATTEMPT_HEADER,
  LAST_ERROR_HEADER,
  PARKED_REASON_HEADER,
  PARKED_AT_HEADER,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
  // Set by quorum queues on redelivery; it describes the parked copy, not the message.
  'x-delivery-count',
]);

export function describeParkedMessage(message: Message): ParkedMessage {
  const headers: MessagePropertyHeaders = message.properties.headers ?? {};
  const text = (name: string): string | null => {
    const value: unknown = headers[name];
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : null;
  };
  const attempt: unknown = headers[ATTEMPT_HEADER];
  return {
    messageId: stringProperty(message.properties.messageId),
    type: stringProperty(message.properties.type),
    correlationId: stringProperty(message.properties.correlationId),
    reason: text(PARKED_REASON_HEADER) ?? '(no reason recorded)',
    parkedAt: text(PARKED_AT_HEADER) ?? '',
    originalExchange: text(ORIGINAL_EXCHANGE_HEADER),
    originalRoutingKey: text(ORIGINAL_ROUTING_KEY_HEADER),
    attempts: typeof attempt === 'number' ? attempt : 0,
    lastError: text(LAST_ERROR_HEADER),
    bodyBytes: message.content.length,
  };
}

/** The properties the message was first published with, minus what parking added. */
export function originalPublishOptions(message: Message): Options.Publish {
  const properties = message.properties;
  const headers = Object.fromEntries(
    Object.entries(properties.headers ?? {}).filter(([name]) => !TRANSPORT_HEADERS.has(name)),
  );
  // amqplib leaves out properties that are undefined, so absent ones stay absent.
  return {
    headers,
    contentType: definedString(properties.contentType),
    contentEncoding: definedString(properties.contentEncoding),
    messageId: definedString(properties.messageId),
    correlationId: definedString(properties.correlationId),
    type: definedString(properties.type),
    appId: definedString(properties.appId),
    replyTo: definedString(properties.replyTo),
    timestamp: typeof properties.timestamp === 'number' ? properties.timestamp : undefined,
    priority: typeof properties.priority === 'number' ? properties.priority : undefined,
    // Replays must survive a broker restart like the original; `user_id` is left out because
    // the broker checks it against the replaying connection's user.
    persistent: true,
    mandatory: true,
  };
}

/**
 * Reads parked messages without removing them: each is fetched unacknowledged (so the next fetch
 * returns the next one) and all are requeued at the end.
 *
 * Each listing is a redelivery to the queue. RabbitMQ 4.0–4.2 give quorum queues a default
 * delivery limit of 20 and count a requeue against it, so there a message listed that often is
 * dropped; 3.x has no default limit and 4.3+ does not count a nack-requeue.
 */
export async function listParkedMessages(
  model: ChannelModel,
  queue: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<ParkedMessage[]> {
  return withChannel(model.createChannel(), queue, async (channel) => {
    const listed: ParkedMessage[] = [];
    while (listed.length < limit) {
      const message = await channel.get(queue, { noAck: false });
      if (message === false) break;
      listed.push(describeParkedMessage(message));
    }
    return listed;
  });
}

/**
 * Republishes parked messages to where they were first published, with their original
 * properties, on a confirm channel; each leaves the parking queue only once the broker confirmed
 * and routed its copy. A message that cannot be replayed stays parked and is reported.
 */
export async function replayParkedMessages(
  model: ChannelModel,
  queue: string,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  return withChannel(model.createConfirmChannel(), queue, async (channel) => {
    const returned = new Set<string>();
    channel.on('return', (message: Message) =>
      returned.add(stringProperty(message.properties.messageId)),
    );
    const report: ReplayReport = { replayed: [], skipped: [] };
    while (report.replayed.length < limit) {
      const message = await channel.get(queue, { noAck: false });
      if (message === false) break;
      const parked = describeParkedMessage(message);
      if (options.messageId !== undefined && parked.messageId !== options.messageId) continue;
      const problem = await republish(channel, message, parked, returned);
      if (problem === null) {
        channel.ack(message);
        report.replayed.push(parked);
      } else {
        report.skipped.push({ message: parked, problem });
      }
    }
    return report;
  });
}

/** Deletes every parked message of the queue; returns how many there were. */
export async function purgeParkedMessages(model: ChannelModel, queue: string): Promise<number> {
  return withChannel(model.createChannel(), queue, async (channel) => {
    const { messageCount } = await channel.purgeQueue(queue);
    return messageCount;
  });
}

async function republish(
  channel: ConfirmChannel,
  message: GetMessage,
  parked: ParkedMessage,
  returned: Set<string>,
): Promise<string | null> {
  if (parked.originalExchange === null || parked.originalRoutingKey === null) {
    return `no ${ORIGINAL_EXCHANGE_HEADER} / ${ORIGINAL_ROUTING_KEY_HEADER} header`;
  }
  returned.delete(parked.messageId);
  await new Promise<void>((resolve, reject) => {
    channel.publish(
      parked.originalExchange ?? '',
      parked.originalRoutingKey ?? '',
      message.content,
      originalPublishOptions(message),
      (error: unknown) => (error ? reject(toError(error)) : resolve()),
    );
  });
  // The broker sends basic.return before the confirm, so an unroutable copy is known by now.
  if (returned.delete(parked.messageId)) {
    return `no queue is bound to ${parked.originalExchange} for ${parked.originalRoutingKey}`;
  }
  return null;
}

/** Opens a channel on an existing queue, runs `work`, requeues whatever it left unacked. */
async function withChannel<C extends Channel, T>(
  opening: Promise<C>,
  queue: string,
  work: (channel: C) => Promise<T>,
): Promise<T> {
  const channel = await opening;
  let channelClosed = false;
  channel.on('close', () => (channelClosed = true));
  // A channel error (such as a missing queue) is reported through the failing call; this only
  // keeps the emitter from throwing it a second time.
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue).catch((error: unknown) => {
      throw new Error(`queue ${queue} does not exist (${toError(error).message})`);
    });
    return await work(channel);
  } finally {
    if (!channelClosed) {
      channel.nackAll(true);
      await channel.close().catch(() => undefined);
    }
  }
}

function stringProperty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function definedString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
