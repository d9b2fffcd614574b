import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import { isMessageName, messageContracts, type OutgoingMessage } from '@newsflow/contracts';
import {
  TRACEPARENT_HEADER,
  currentTrace,
  formatTraceparent,
  messagesConfirmedTotal,
  messagesPublishFailedTotal,
  messagesPublishedTotal,
} from '@newsflow/observability';
import type { AmqpConnection } from './amqp-connection';
import { BrokerUnavailableError, PublishRejectedError } from './errors';
import type { Topology } from './topology';

export interface PublishMeta {
  messageId: string;
  correlationId: string;
  headers?: Record<string, string | number | boolean>;
}

export interface PublisherOptions {
  appId: string;
  /** Publishes awaiting a confirm at once; more wait for a free slot. */
  confirmWindow: number;
  /** A publish whose confirm has not come by then counts as not held by the broker. */
  confirmTimeoutMs: number;
}

/**
 * Publishes plain-JSON messages on a confirm channel. A publish resolves only once the broker has
 * confirmed it holds the message; it rejects with BrokerUnavailableError while disconnected, so a
 * caller can answer 503 instead of losing the message.
 */
export class AmqpPublisher {
  private channel: ConfirmChannel | null = null;
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly returnedMessageIds = new Set<string>();
  private initialized = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly topology: Topology,
    private readonly options: PublisherOptions,
    private readonly logger: Logger,
  ) {}

  get isReady(): boolean {
    return this.channel !== null;
  }

  /** Idempotent: the consumer and the app lifecycle both make sure the channel is registered. */
  async init(): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    await this.connection.register((model) => this.openChannel(model));
  }

  /**
   * The one typed way to send a message: the name decides the exchange and the payload shape. The
   * trace of the work in progress (HTTP request, delivery) goes along as a `traceparent` header.
   */
  publish(message: OutgoingMessage, meta: PublishMeta): Promise<void> {
    const contract = messageContracts[message.name];
    const trace = currentTrace();
    return this.publishRaw(
      contract.exchange,
      contract.routingKey,
      Buffer.from(JSON.stringify(message.payload)),
      {
        messageId: meta.messageId,
        correlationId: meta.correlationId,
        type: message.name,
        headers: trace
          ? { [TRACEPARENT_HEADER]: formatTraceparent(trace), ...meta.headers }
          : meta.headers,
      },
    );
  }

  /** Publishes all and resolves when every one is confirmed: one wait for the whole batch. */
  async publishAll(
    items: ReadonlyArray<{ message: OutgoingMessage; meta: PublishMeta }>,
  ): Promise<void> {
    await Promise.all(items.map((item) => this.publish(item.message, item.meta)));
  }

  /** For the transport's own moves (retry, park, replay): the body goes out untouched. */
  async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    await this.acquireSlot();
    try {
      await this.publishConfirmed(exchange, routingKey, content, options);
    } finally {
      this.releaseSlot();
    }
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = null;
    if (channel) await channel.close().catch(() => undefined);
  }

  private publishConfirmed(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new BrokerUnavailableError('not connected'));
    const messageId = options.messageId;
    const type = metricTypeOf(options.type);
    messagesPublishedTotal.inc({ type });
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        messagesPublishFailedTotal.inc({ type, reason: 'unavailable' });
        reject(new BrokerUnavailableError(`no confirm within ${this.options.confirmTimeoutMs} ms`));
      }, this.options.confirmTimeoutMs);
      try {
        channel.publish(
          exchange,
          routingKey,
          content,
          {
            ...options,
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            contentEncoding: 'utf-8',
            timestamp: Math.floor(Date.now() / 1000),
            appId: this.options.appId,
          },
          (error: unknown) => {
            clearTimeout(timer);
            if (messageId !== undefined && this.returnedMessageIds.delete(messageId)) {
              messagesPublishFailedTotal.inc({ type, reason: 'unroutable' });
              reject(new PublishRejectedError(`no queue is bound for ${routingKey}`));
            } else if (error) {
              messagesPublishFailedTotal.inc({ type, reason: 'unavailable' });
              reject(
                new BrokerUnavailableError(
                  error instanceof Error ? error.message : 'confirm failed',
                ),
              );
            } else {
              messagesConfirmedTotal.inc({ type });
              resolve();
            }
          },
        );
      } catch (error) {
        clearTimeout(timer);
        messagesPublishFailedTotal.inc({ type, reason: 'unavailable' });
        reject(new BrokerUnavailableError(error instanceof Error ? error.message : String(error)));
      }
    });
  }

  private async openChannel(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    await this.topology.declare(channel);
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.messageId;
      if (typeof id === 'string') this.returnedMessageIds.add(id);
    });
    channel.on('error', (error: Error) =>
      this.logger.warn({ err: error }, 'publisher channel error'),
    );
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = null;
      void this.connection.restart('publisher channel closed');
    });
    this.channel = channel;
  }

  private acquireSlot(): Promise<void> {
    if (this.inFlight < this.options.confirmWindow) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}

/** A label from a fixed set: a parked message may carry any `type` its sender made up. */
export function metricTypeOf(type: unknown): string {
  return typeof type === 'string' && isMessageName(type) ? type : 'unknown';
}
