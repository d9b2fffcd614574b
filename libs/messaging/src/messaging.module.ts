import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { AmqpConnection } from './amqp-connection';
import { AmqpPublisher } from './amqp-publisher';
import { AmqpServer } from './amqp.server';
import { QueueMetrics } from './queue-metrics';
import { Topology } from './topology';

export interface MessagingModuleOptions {
  /** Names the connection in the broker's UI and the `app_id` of every message. */
  appId: string;
  amqpUrl: string;
  confirmWindow: number;
  confirmTimeoutMs?: number;
  retryDelaysMs?: readonly number[];
  logger: Logger;
  /** For a service that consumes: which of newsflow's queues, and how much it takes at once. */
  consumer?: { queue: 'normalizer' | 'store'; prefetch: number; drainTimeoutMs: number };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** Opens the connection once the app is wired and closes it last, after handlers have drained. */
@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: AmqpPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.init();
    this.connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
    await this.connection.close();
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const consumer = options.consumer;
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: Topology, useFactory: () => new Topology(options.retryDelaysMs) },
        {
          provide: AmqpConnection,
          useFactory: () => new AmqpConnection(options.amqpUrl, options.logger, options.appId),
        },
        {
          provide: AmqpPublisher,
          inject: [AmqpConnection, Topology],
          useFactory: (connection: AmqpConnection, topology: Topology) =>
            new AmqpPublisher(
              connection,
              topology,
              {
                appId: options.appId,
                confirmWindow: options.confirmWindow,
                confirmTimeoutMs: options.confirmTimeoutMs ?? 10_000,
              },
              options.logger,
            ),
        },
        MessagingLifecycle,
        ...(consumer
          ? [
              {
                provide: AmqpServer,
                inject: [AmqpConnection, AmqpPublisher, Topology],
                useFactory: (
                  connection: AmqpConnection,
                  publisher: AmqpPublisher,
                  topology: Topology,
                ) =>
                  new AmqpServer(
                    connection,
                    publisher,
                    {
                      queue: topology[consumer.queue],
                      prefetch: consumer.prefetch,
                      drainTimeoutMs: consumer.drainTimeoutMs,
                    },
                    options.logger,
                  ),
              },
              {
                provide: QueueMetrics,
                inject: [AmqpConnection, Topology],
                useFactory: (connection: AmqpConnection, topology: Topology) =>
                  new QueueMetrics(connection, topology[consumer.queue]),
              },
            ]
          : []),
      ],
      exports: [
        MESSAGING_OPTIONS,
        Topology,
        AmqpConnection,
        AmqpPublisher,
        ...(consumer ? [AmqpServer] : []),
      ],
    };
  }
}

export const InjectMessagingOptions = () => Inject(MESSAGING_OPTIONS);
