import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from 'pino';

export type ConnectionSetup = (model: ChannelModel) => Promise<void>;

/**
 * One AMQP connection per process that heals itself: amqplib's recovery reconnects with backoff
 * and, on every (re)connect, runs each registered setup (declare topology, open channels, start
 * consuming) so nothing has to notice that the broker restarted.
 */
export class AmqpConnection {
  private recovering: RecoveringChannelModel | null = null;
  private live: ChannelModel | null = null;
  private readonly setups: ConnectionSetup[] = [];
  private closing = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly connectionName: string,
  ) {}

  get isConnected(): boolean {
    return this.live !== null;
  }

  /** Starts connecting in the background; the first setup runs as soon as the broker answers. */
  start(): void {
    if (this.recovering || this.closing) return;
    void connect(this.url, {
      clientProperties: { connection_name: this.connectionName },
      recovery: {
        initialDelay: 200,
        maxDelay: 5_000,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.runSetups(model),
      },
    }).then((recovering) => {
      this.recovering = recovering;
      recovering.on('disconnect', (error: Error) => {
        this.live = null;
        if (!this.closing) this.logger.warn({ err: error }, 'AMQP connection lost; reconnecting');
      });
      recovering.on('connect-failed', (error: Error) => {
        this.logger.warn({ err: error }, 'AMQP connection attempt failed');
      });
      recovering.on('error', (error: Error) => {
        this.logger.warn({ err: error }, 'AMQP connection error');
      });
      if (this.closing) void recovering.close();
    });
  }

  /** Registers a setup to run now (if connected) and after every reconnect. */
  async register(setup: ConnectionSetup): Promise<void> {
    this.setups.push(setup);
    if (this.live) await setup(this.live);
  }

  /**
   * A channel error (say, a bad declare) closes only that channel; forcing the connection closed
   * makes recovery rebuild every channel from the setups, which is the one path that is tested.
   */
  async restart(reason: string): Promise<void> {
    const live = this.live;
    if (!live || this.closing) return;
    this.logger.warn({ reason }, 'restarting AMQP connection');
    this.live = null;
    await live.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.live = null;
    await this.recovering?.close().catch(() => undefined);
  }

  private async runSetups(model: ChannelModel): Promise<void> {
    for (const setup of this.setups) await setup(model);
    this.live = model;
    this.logger.info({ connection: this.connectionName }, 'AMQP connected');
  }
}
