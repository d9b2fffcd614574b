import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { Store, storage } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { type MessageName, isMessageName, validateMessage } from '@newsflow/contracts';
import {
  TRACEPARENT_HEADER,
  continueTrace,
  messageHandlingDurationSeconds,
  messagesAckedTotal,
  messagesConsumedTotal,
  messagesParkedTotal,
  messagesRequeuedTotal,
  messagesRetriedTotal,
  runInTrace,
} from '@newsflow/observability';
import { AckCoalescer } from './ack-coalescer';
import type { AmqpConnection } from './amqp-connection';
import { BrokerUnavailableError } from './errors';
import {
  ATTEMPT_HEADER,
  AmqpContext,
  LAST_ERROR_HEADER,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
  PARKED_AT_HEADER,
  PARKED_REASON_HEADER,
} from './amqp.context';
import { type AmqpPublisher, metricTypeOf } from './amqp-publisher';
import {
  type ConsumerQueueSpec,
  declareConsumerQueue,
  parkingQueueName,
  retryQueueName,
} from './topology';

export interface AmqpServerOptions {
  queue: ConsumerQueueSpec;
  prefetch: number;
  /** How long close() waits for handlers in flight before it lets go (they are redelivered). */
  drainTimeoutMs: number;
}

/** How long a delivery waits before it is requeued because the broker could not take its output. */
const BROKER_BACKOFF_MS = 1_000;

/** The consumer channel and the acks of its deliveries: a reconnect makes a new pair. */
interface Consumer {
  channel: Channel;
  acks: AckCoalescer;
}

/** What happened to one delivery; the metrics and the tests read it. */
export type DeliveryOutcome = 'acked' | 'retried' | 'parked' | 'requeued';

/**
 * A Nest microservice transport on plain AMQP: handlers are ordinary `@EventPattern(name)`
 * methods. Bodies are plain JSON validated against the contract of the message's `type`. A
 * message is acked only after its handler resolved (its work is durable by then); a failure goes
 * to a delay queue and comes back, and after the last retry, or at once when it can never
 * succeed (bad JSON, unknown type, invalid payload), it is parked with the reason.
 */
export class AmqpServer extends Server implements CustomTransportStrategy {
  private consumer: Consumer | null = null;
  private consumerTag: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Resolved once in listen(): Nest's look-up by pattern tries JSON.parse on every call. */
  private readonly handlers = new Map<MessageName, MessageHandler>();
  private stopping = false;
  private readonly outcomeListeners: Array<(outcome: DeliveryOutcome, type: string) => void> = [];

  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: AmqpPublisher,
    private readonly options: AmqpServerOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  get isConsuming(): boolean {
    return this.consumerTag !== null;
  }

  onDeliveryOutcome(listener: (outcome: DeliveryOutcome, type: string) => void): void {
    this.outcomeListeners.push(listener);
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    for (const name of this.options.queue.messageNames) {
      const handler = this.getHandlerByPattern(name);
      if (handler) this.handlers.set(name, handler);
    }
    const missing = this.options.queue.messageNames.filter((name) => !this.handlers.has(name));
    if (missing.length > 0) {
      callback(new Error(`no @EventPattern handler for ${missing.join(', ')}`));
      return;
    }
    // The publisher's channel first: on every (re)connect, setups run in order of registration,
    // and a handler that runs before its publisher is up fails for no fault of the message.
    this.publisher
      .init()
      .then(() => this.connection.register((model) => this.startConsuming(model)))
      .then(
        () => callback(),
        (error: unknown) => callback(error),
      );
  }

  /** Stops taking messages, lets the ones in flight finish (bounded), then closes the channel. */
  async close(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    if (consumer && this.consumerTag) {
      await consumer.channel.cancel(this.consumerTag).catch(() => undefined);
      this.consumerTag = null;
    }
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => setTimeout(resolve, this.options.drainTimeoutMs).unref()),
    ]);
    this.consumer = null;
    if (consumer) {
      consumer.acks.flush();
      await consumer.channel.close().catch(() => undefined);
    }
  }

  on(): never {
    throw new Error('AmqpServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return (this.consumer?.channel ?? null) as T;
  }

  private async startConsuming(model: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error }, 'consumer channel error'));
    channel.on('close', () => {
      if (this.consumer?.channel !== channel) return;
      this.consumer = null;
      this.consumerTag = null;
      if (!this.stopping) void this.connection.restart('consumer channel closed');
    });
    // Declared here too, so consuming never depends on which setup ran first.
    await declareConsumerQueue(channel, this.options.queue);
    await channel.prefetch(this.options.prefetch);
    // An ack on a channel that died in between throws; the broker redelivers the message anyway.
    const acks = new AckCoalescer({
      ack: (message, allUpTo) => safely(() => channel.ack(message, allUpTo)),
    });
    const consumer: Consumer = { channel, acks };
    this.consumer = consumer;
    const { consumerTag } = await channel.consume(this.options.queue.queue, (message) => {
      if (!message) return; // cancelled by the broker (queue deleted); the reconnect re-consumes
      acks.delivered(message);
      const work = this.handleDelivery(consumer, message).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    });
    this.consumerTag = consumerTag;
    this.log.info({ queue: this.options.queue.queue }, 'consuming');
  }

  private async handleDelivery(consumer: Consumer, message: ConsumeMessage): Promise<void> {
    const context = new AmqpContext([message]);
    const type = String(message.properties.type ?? message.fields.routingKey);
    const queue = this.options.queue.queue;
    const metricLabels = { type: metricTypeOf(type), queue };
    messagesConsumedTotal.inc(metricLabels);
    const stopTimer = messageHandlingDurationSeconds.startTimer(metricLabels);
    const trace = continueTrace(message.properties.headers?.[TRACEPARENT_HEADER]);
    const logger = this.log.child({
      correlationId: context.correlationId,
      messageId: context.messageId,
      messageType: type,
    });
    // The consumer's span continues the publisher's trace; logs and outgoing messages carry it.
    await runInTrace(trace, () =>
      storage.run(new Store(logger), async () => {
        let outcome: DeliveryOutcome;
        try {
          outcome = await this.process(consumer, message, context, type, logger);
        } catch (error) {
          // Only a failed retry/park publish lands here: the broker is gone, the message is not ours.
          logger.warn({ err: error }, 'could not settle message; it will be redelivered');
          requeue(consumer, message);
          outcome = 'requeued';
        }
        stopTimer({ outcome });
        OUTCOME_COUNTERS[outcome].inc(metricLabels);
        for (const listener of this.outcomeListeners) listener(outcome, type);
      }),
    );
  }

  private async process(
    consumer: Consumer,
    message: ConsumeMessage,
    context: AmqpContext,
    type: string,
    logger: Logger,
  ): Promise<DeliveryOutcome> {
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      return this.park(consumer, message, `body is not valid JSON: ${errorMessage(error)}`);
    }
    if (!isMessageName(type)) return this.park(consumer, message, `unknown message type "${type}"`);
    const handler = this.handlers.get(type);
    if (!handler) return this.park(consumer, message, `no handler for "${type}" on this queue`);
    const validation = validateMessage(type, body);
    if (!validation.ok) return this.park(consumer, message, `invalid ${type}: ${validation.error}`);

    try {
      // Nest's handler proxy resolves to the handler's value, or to an Observable (a handler that
      // returned one, or the exception filter's error).
      const result: unknown = await handler(validation.payload, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      if (isTransientInfrastructureError(error)) {
        // The broker or the database, not the message, failed: no attempt is spent, it comes
        // back once they are up (a Postgres restart must not park every message in flight).
        logger.warn({ err: error }, 'broker or database unavailable while handling; requeueing');
        await new Promise((resolve) => setTimeout(resolve, BROKER_BACKOFF_MS));
        requeue(consumer, message);
        return 'requeued';
      }
      const reason = errorMessage(error);
      const attempt = context.attempt;
      if (attempt >= this.options.queue.retryDelaysMs.length) {
        logger.error({ err: error, attempt }, 'handler failed for the last time; parking');
        return this.park(
          consumer,
          message,
          `handler failed after ${attempt + 1} attempts: ${reason}`,
        );
      }
      logger.warn({ err: error, attempt }, 'handler failed; retrying later');
      await this.publisher.publishRaw(
        '',
        retryQueueName(this.options.queue.queue, attempt + 1),
        message.content,
        {
          ...message.properties,
          headers: {
            ...message.properties.headers,
            [ATTEMPT_HEADER]: attempt + 1,
            [LAST_ERROR_HEADER]: truncate(reason),
            [ORIGINAL_EXCHANGE_HEADER]: originalExchange(message),
            [ORIGINAL_ROUTING_KEY_HEADER]: originalRoutingKey(message),
          },
        },
      );
      consumer.acks.ack(message);
      return 'retried';
    }
    consumer.acks.ack(message);
    return 'acked';
  }

  private async park(
    consumer: Consumer,
    message: ConsumeMessage,
    reason: string,
  ): Promise<DeliveryOutcome> {
    await this.publisher.publishRaw(
      '',
      parkingQueueName(this.options.queue.queue),
      message.content,
      {
        ...message.properties,
        headers: {
          ...message.properties.headers,
          [PARKED_REASON_HEADER]: truncate(reason),
          [PARKED_AT_HEADER]: new Date().toISOString(),
          [ORIGINAL_EXCHANGE_HEADER]: originalExchange(message),
          [ORIGINAL_ROUTING_KEY_HEADER]: originalRoutingKey(message),
        },
      },
    );
    consumer.acks.ack(message);
    return 'parked';
  }
}

const OUTCOME_COUNTERS = {
  acked: messagesAckedTotal,
  retried: messagesRetriedTotal,
  parked: messagesParkedTotal,
  requeued: messagesRequeuedTotal,
} as const;

/** Postgres SQLSTATEs of a lost or refused connection, overload, or a transaction to run again. */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|ECONNRESET|the database system is (starting up|shutting down)|terminating connection/i;

/** Errors of the infrastructure rather than of the message: retried without spending an attempt. */
export function isTransientInfrastructureError(error: unknown): boolean {
  if (error instanceof BrokerUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const code: unknown = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code)))
    return true;
  return TRANSIENT_MESSAGE.test(errorMessage(error));
}

/** A retried message comes back through the default exchange; keep where it first came from. */
function originalExchange(message: ConsumeMessage): string {
  const recorded: unknown = message.properties.headers?.[ORIGINAL_EXCHANGE_HEADER];
  return typeof recorded === 'string' ? recorded : message.fields.exchange;
}

function originalRoutingKey(message: ConsumeMessage): string {
  const recorded: unknown = message.properties.headers?.[ORIGINAL_ROUTING_KEY_HEADER];
  return typeof recorded === 'string' ? recorded : message.fields.routingKey;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

const truncate = (text: string, max = 1000): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

/** Gives the delivery back to the broker at once (it comes back, no attempt spent). */
function requeue(consumer: Consumer, message: ConsumeMessage): void {
  safely(() => consumer.channel.nack(message, false, true));
  consumer.acks.settledElsewhere(message);
}

/** Settling on a channel that died in between throws; the broker redelivers the message anyway. */
function safely(settle: () => void): void {
  try {
    settle();
  } catch {
    /* the delivery is void with its channel */
  }
}
