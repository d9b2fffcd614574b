import type { Channel, ChannelModel } from 'amqplib';
import { type QueueSample, observeBrokerQueues } from '@newsflow/observability';
import type { AmqpConnection } from './amqp-connection';
import { type ConsumerQueueSpec, parkingQueueName, retryQueueName } from './topology';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Reads depth and consumer count of a service's own queue, its retry queues and its parking queue
 * from the broker when /metrics is scraped. On a channel of its own: a failed check closes the
 * channel it ran on, and that must never be the consumer's.
 */
export class QueueMetrics {
  private model: ChannelModel | null = null;
  private channel: Promise<Channel> | null = null;

  constructor(
    connection: AmqpConnection,
    private readonly spec: ConsumerQueueSpec,
  ) {
    void connection.register((model) => {
      this.model = model;
      this.channel = null;
      return Promise.resolve();
    });
    observeBrokerQueues(() => this.sample());
  }

  get queues(): string[] {
    return [
      this.spec.queue,
      ...this.spec.retryDelaysMs.map((_, index) => retryQueueName(this.spec.queue, index + 1)),
      parkingQueueName(this.spec.queue),
    ];
  }

  async sample(): Promise<QueueSample[]> {
    const samples: QueueSample[] = [];
    for (const queue of this.queues) {
      try {
        const channel = await this.openChannel();
        const answer = await withTimeout(channel.checkQueue(queue), CHECK_TIMEOUT_MS);
        samples.push({ queue, messages: answer.messageCount, consumers: answer.consumerCount });
      } catch {
        // Unknown right now (broker away, queue missing): no sample beats a wrong zero.
        this.channel = null;
      }
    }
    return samples;
  }

  private openChannel(): Promise<Channel> {
    const model = this.model;
    if (!model) return Promise.reject(new Error('not connected'));
    this.channel ??= model.createChannel().then((channel) => {
      channel.on('error', () => undefined);
      channel.on('close', () => {
        this.channel = null;
      });
      return channel;
    });
    return this.channel;
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
