/**
 * `libs/messaging` alone: what newsflow's transport costs per message when the handlers do no
 * work. A relay process consumes `article.received.v1` from the normalizer's queue through
 * `AmqpServer` (decode, validate, dispatch to an `@EventPattern` handler, ack after the handler)
 * and publishes an `article.normalized.v1` and an `event.created.v1` for each with `AmqpPublisher`
 * (confirms), as the normalizer does; a sink process consumes both from the store's queue through
 * `AmqpServer` into handlers that resolve at once. The driver publishes generated articles
 * (3–6 KB text, the bench's generator) with confirms, ~1,000 ahead of the sink, and measures each
 * process's CPU (`/proc/<pid>/stat`) over the messages that went through: CPU per article of the
 * relay (1 message in, 2 out) and of the sink (2 messages in), and articles/s end to end. The
 * services' default prefetch (16 / 128) and confirm window (256), unless `TRANSPORT_PREFETCH_RELAY`
 * / `TRANSPORT_PREFETCH_SINK` say otherwise; `TRANSPORT_PROFILE_DIR=dir` writes each child's
 * `.cpuprofile` of the measured part (no start-up) there: `node profile.js <file>` summarises it.
 *
 *   node transport.js [articles=6000] [rounds=1]     (its own vhost, deleted at the end)
 *   node transport.js --role relay|sink <amqpUrl>    (the two children, forked by the driver)
 */
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { Controller, type DynamicModule, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type ConfirmChannel, connect } from 'amqplib';
import {
  type ArticleReceivedV1,
  type EventSnapshot,
  type MessageName,
  articleReceivedV1,
} from '@newsflow/contracts';
import {
  AmqpContext,
  AmqpPublisher,
  AmqpServer,
  KeepErrorFilter,
  MessagingModule,
} from '@newsflow/messaging';
import { createLogger } from '@newsflow/observability';
import { loadAverage, processCpuSeconds, round, run, sleep } from './common';
import { ArticleGenerator } from './generate';

const BROKER_HOST = process.env.BENCH_AMQP_HOST ?? '127.0.0.1:5672';
const AHEAD_OF_SINK = 1_000;
const WARMUP_ARTICLES = 500; // a multiple of REPORT_EVERY / 2

type Role = 'relay' | 'sink';

// ---------------------------------------------------------------- the two services

@Controller()
@UseFilters(KeepErrorFilter)
class RelayHandler {
  constructor(private readonly publisher: AmqpPublisher) {}

  @EventPattern('article.received.v1')
  async received(
    @Payload() article: ArticleReceivedV1,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    const now = new Date().toISOString();
    const event: EventSnapshot = {
      id: randomUUID(),
      title: article.title,
      articleCount: 1,
      sources: article.source ? [article.source] : [],
      firstPublishedAt: now,
      lastPublishedAt: now,
      version: 1,
      updatedAt: now,
    };
    const meta = { correlationId: context.correlationId };
    await this.publisher.publishAll([
      {
        message: {
          name: 'article.normalized.v1',
          payload: {
            id: article.id,
            url: article.url,
            canonicalUrl: article.url,
            source: article.source,
            title: article.title,
            author: article.author,
            publishedAt: now,
            language: 'en',
            receivedAt: article.receivedAt,
            processedAt: now,
            eventId: event.id,
            text: article.text ?? '',
          },
        },
        meta: { ...meta, messageId: article.id },
      },
      {
        message: { name: 'event.created.v1', payload: event },
        meta: { ...meta, messageId: event.id },
      },
    ]);
  }
}

/** The sink reports its count to the driver every so many messages (pushed: polling costs CPU). */
const REPORT_EVERY = 250;
let sinkConsumed = 0;
const sinkDone = (): Promise<void> => {
  sinkConsumed++;
  if (sinkConsumed % REPORT_EVERY === 0) process.send?.({ consumed: sinkConsumed });
  return Promise.resolve();
};

@Controller()
@UseFilters(KeepErrorFilter)
class SinkHandler {
  @EventPattern('article.normalized.v1')
  normalized(): Promise<void> {
    return sinkDone();
  }

  @EventPattern('article.duplicate.v1')
  duplicate(): Promise<void> {
    return sinkDone();
  }

  @EventPattern('article.rejected.v1')
  rejected(): Promise<void> {
    return sinkDone();
  }

  @EventPattern('event.created.v1')
  created(): Promise<void> {
    return sinkDone();
  }

  @EventPattern('event.updated.v1')
  updated(): Promise<void> {
    return sinkDone();
  }
}

@Module({})
class TransportBenchModule {
  static forRole(role: Role, amqpUrl: string): DynamicModule {
    const queue = role === 'relay' ? 'normalizer' : 'store';
    const prefetch = Number(
      role === 'relay'
        ? (process.env.TRANSPORT_PREFETCH_RELAY ?? 16)
        : (process.env.TRANSPORT_PREFETCH_SINK ?? 128),
    );
    return {
      module: TransportBenchModule,
      imports: [
        MessagingModule.forRoot({
          appId: `newsflow-bench-${role}`,
          amqpUrl,
          confirmWindow: 256,
          logger: createLogger(role, 'warn'),
          consumer: { queue, prefetch, drainTimeoutMs: 5_000 },
        }),
      ],
      controllers: [role === 'relay' ? RelayHandler : SinkHandler],
    };
  }
}

async function serve(role: Role, amqpUrl: string): Promise<void> {
  const app = await NestFactory.create(TransportBenchModule.forRole(role, amqpUrl), {
    logger: false,
  });
  app.connectMicroservice({ strategy: app.get(AmqpServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  const profileDir = process.env.TRANSPORT_PROFILE_DIR;
  const profiler = profileDir ? new Session() : null;
  profiler?.connect();
  const inspect = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      profiler?.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  process.on('message', (message: unknown) => {
    if (message === 'measure' && profiler)
      void inspect('Profiler.enable').then(() => inspect('Profiler.start'));
    if (message !== 'stop') return;
    const profiled = profiler
      ? inspect('Profiler.stop').then((result) => {
          const { profile } = result as { profile: object };
          writeFileSync(join(profileDir ?? '.', `${role}.cpuprofile`), JSON.stringify(profile));
        })
      : Promise.resolve();
    void profiled.then(() => app.close()).then(() => process.exit(0));
  });
  process.send?.({ consumed: 0 });
}

// ---------------------------------------------------------------- the driver

interface Child {
  process: ChildProcess;
  /** Messages the sink reported consumed so far (in steps of REPORT_EVERY). */
  consumed(): number;
}

function forkRole(role: Role, amqpUrl: string): Promise<Child> {
  const child = fork(__filename, ['--role', role, amqpUrl], { stdio: 'inherit' });
  let consumed = 0;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
    child.on('message', (message) => {
      consumed = (message as { consumed: number }).consumed;
      resolve({ process: child, consumed: () => consumed });
    });
  });
}

function publishArticle(channel: ConfirmChannel, article: ArticleReceivedV1): Promise<void> {
  const body = Buffer.from(JSON.stringify(article));
  const name: MessageName = articleReceivedV1.name;
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  return new Promise((resolve, reject) => {
    channel.publish(
      articleReceivedV1.exchange,
      articleReceivedV1.routingKey,
      body,
      {
        persistent: true,
        messageId: article.id,
        correlationId: randomUUID(),
        type: name,
        contentType: 'application/json',
        headers: { traceparent },
      },
      (error) => (error ? reject(new Error(String(error))) : resolve()),
    );
  });
}

export interface TransportRound {
  articles: number;
  seconds: number;
  articlesPerSecond: number;
  relayCpuMsPerArticle: number;
  sinkCpuMsPerArticle: number;
  loadAverage: [number, number, number];
}

async function oneRound(amqpUrl: string, articles: number): Promise<TransportRound> {
  const [relay, sink] = await Promise.all([forkRole('relay', amqpUrl), forkRole('sink', amqpUrl)]);
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    const generator = new ArticleGenerator(7, { duplicateShare: 0, htmlShare: 0, htmlBytes: 0 });
    const received = (): ArticleReceivedV1 => {
      const article = generator.next();
      return {
        id: article.id,
        receivedAt: new Date().toISOString(),
        url: article.url,
        source: article.source,
        title: article.title,
        author: null,
        publishedAt: article.publishedAt,
        language: null,
        text: article.text ?? null,
        html: null,
      };
    };
    const bodies = Array.from({ length: WARMUP_ARTICLES + articles }, received);
    let published = 0;
    const publishUpTo = async (count: number) => {
      while (published < count) {
        const room = AHEAD_OF_SINK - (published - sink.consumed() / 2);
        const batch = Math.min(count - published, 200, Math.floor(room));
        if (batch <= 0) {
          await sleep(10);
          continue;
        }
        const confirms = bodies
          .slice(published, published + batch)
          .map((body) => publishArticle(channel, body));
        published += batch;
        await Promise.all(confirms);
      }
    };
    // Counts are reported in steps: both phases end on a multiple of the step.
    const drained = async (count: number) => {
      while (sink.consumed() < count * 2) await sleep(10);
    };

    await publishUpTo(WARMUP_ARTICLES);
    await drained(WARMUP_ARTICLES);
    const cpu = () => ({
      relay: processCpuSeconds(relay.process.pid ?? 0) ?? 0,
      sink: processCpuSeconds(sink.process.pid ?? 0) ?? 0,
      at: performance.now(),
    });
    for (const child of [relay, sink]) child.process.send('measure');
    const start = cpu();
    await publishUpTo(WARMUP_ARTICLES + articles);
    await drained(WARMUP_ARTICLES + articles);
    const end = cpu();
    const seconds = (end.at - start.at) / 1000;
    return {
      articles,
      seconds: round(seconds, 2) ?? 0,
      articlesPerSecond: round(articles / seconds, 0) ?? 0,
      relayCpuMsPerArticle: round(((end.relay - start.relay) * 1000) / articles, 3) ?? 0,
      sinkCpuMsPerArticle: round(((end.sink - start.sink) * 1000) / articles, 3) ?? 0,
      loadAverage: loadAverage(),
    };
  } finally {
    await connection.close().catch(() => undefined);
    await Promise.all(
      [relay, sink].map((child) => {
        child.process.removeAllListeners('exit');
        const exited = new Promise((resolve) => child.process.once('exit', resolve));
        child.process.send('stop');
        return Promise.race([exited, sleep(15_000).then(() => child.process.kill())]);
      }),
    );
  }
}

async function drive(articles: number, rounds: number): Promise<void> {
  const loadBefore = loadAverage();
  const results: TransportRound[] = [];
  for (let index = 0; index < rounds; index++) {
    // A fresh vhost per round: nothing left over from the round before.
    const vhost = `newsflow-bench-transport-${randomBytes(4).toString('hex')}`;
    await run('rabbitmqctl', ['add_vhost', vhost]);
    try {
      await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
      const amqpUrl = `amqp://guest:guest@${BROKER_HOST}/${encodeURIComponent(vhost)}`;
      const result = await oneRound(amqpUrl, articles);
      results.push(result);
      console.log(
        `transport round ${index + 1}: ${result.articlesPerSecond} articles/s; CPU per article relay ${result.relayCpuMsPerArticle} ms, sink ${result.sinkCpuMsPerArticle} ms (load ${result.loadAverage.join(' ')})`,
      );
    } finally {
      await run('rabbitmqctl', ['delete_vhost', vhost]).catch(() => undefined);
    }
  }
  console.log(JSON.stringify({ loadBefore, loadAfter: loadAverage(), rounds: results }));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const roleIndex = args.indexOf('--role');
  const work =
    roleIndex >= 0
      ? serve(args[roleIndex + 1] as Role, args[roleIndex + 2])
      : drive(Number(args[0] ?? 6_000), Number(args[1] ?? 1));
  work.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
