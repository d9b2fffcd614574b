import type { Channel } from 'amqplib';
import {
  PROCESSED_EXCHANGE,
  RAW_EXCHANGE,
  messageContracts,
  type MessageName,
} from '@newsflow/contracts';

/** One consumer's queue and the names it takes: the bindings follow from its handlers. */
export interface ConsumerQueueSpec {
  queue: string;
  messageNames: readonly MessageName[];
  /** Delay before each retry; its length is the number of retries before a message is parked. */
  retryDelaysMs: readonly number[];
}

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000] as const;

export const retryQueueName = (queue: string, attempt: number): string =>
  `${queue}.retry.${attempt}`;
export const parkingQueueName = (queue: string): string => `${queue}.parked`;

const quorum = { durable: true, arguments: { 'x-queue-type': 'quorum' } } as const;

export async function declareExchanges(channel: Channel): Promise<void> {
  for (const exchange of [RAW_EXCHANGE, PROCESSED_EXCHANGE]) {
    await channel.assertExchange(exchange, 'topic', { durable: true });
  }
}

/**
 * The work queue, one delay queue per retry (expired messages flow back into the work queue) and
 * the parking queue. All quorum queues: replicated on a cluster and safe across broker restarts.
 */
export async function declareConsumerQueue(
  channel: Channel,
  spec: ConsumerQueueSpec,
): Promise<void> {
  await declareExchanges(channel);
  await channel.assertQueue(spec.queue, quorum);
  for (const name of spec.messageNames) {
    const contract = messageContracts[name];
    await channel.bindQueue(spec.queue, contract.exchange, contract.routingKey);
  }
  for (const [index, delayMs] of spec.retryDelaysMs.entries()) {
    await channel.assertQueue(retryQueueName(spec.queue, index + 1), {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': spec.queue,
      },
    });
  }
  await channel.assertQueue(parkingQueueName(spec.queue), quorum);
}

/** Where each service's messages wait: declared by every service, so none is ever unroutable. */
export const NORMALIZER_QUEUE = 'newsflow.normalizer';
export const STORE_QUEUE = 'newsflow.store';

export const NORMALIZER_MESSAGES = [
  'article.received.v1',
] as const satisfies readonly MessageName[];
export const STORE_MESSAGES = [
  'article.normalized.v1',
  'article.duplicate.v1',
  'article.rejected.v1',
  'event.created.v1',
  'event.updated.v1',
  'event.merged.v1',
  'article.moved.v1',
] as const satisfies readonly MessageName[];

/** The whole broker layout of newsflow, built once from config and declared on every (re)connect. */
export class Topology {
  readonly normalizer: ConsumerQueueSpec;
  readonly store: ConsumerQueueSpec;

  constructor(retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
    this.normalizer = { queue: NORMALIZER_QUEUE, messageNames: NORMALIZER_MESSAGES, retryDelaysMs };
    this.store = { queue: STORE_QUEUE, messageNames: STORE_MESSAGES, retryDelaysMs };
  }

  get consumerQueues(): ConsumerQueueSpec[] {
    return [this.normalizer, this.store];
  }

  async declare(channel: Channel): Promise<void> {
    for (const spec of this.consumerQueues) await declareConsumerQueue(channel, spec);
  }
}
