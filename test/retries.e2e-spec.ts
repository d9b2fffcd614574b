import { randomUUID } from 'node:crypto';
import { Controller, type INestApplication, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import pino from 'pino';
import { type ArticleReceivedV1, messageContracts } from '@newsflow/contracts';
import {
  ATTEMPT_HEADER,
  AmqpContext,
  AmqpServer,
  KeepErrorFilter,
  LAST_ERROR_HEADER,
  MessagingModule,
  PARKED_REASON_HEADER,
  parkingQueueName,
  NORMALIZER_QUEUE,
} from '@newsflow/messaging';
import { TestInfrastructure, waitFor } from './support/test-system';

/** Short, growing delays: the whole test runs in a few seconds. */
const RETRY_DELAYS_MS = [300, 600, 1200];

interface Call {
  title: string;
  attempt: number;
  at: number;
}

const calls: Call[] = [];

/** A handler whose behaviour the payload's title chooses. */
@Controller()
@UseFilters(KeepErrorFilter)
class FlakyHandler {
  @EventPattern('article.received.v1')
  handle(@Payload() article: ArticleReceivedV1, @Ctx() context: AmqpContext): Promise<void> {
    const title = article.title ?? '';
    calls.push({ title, attempt: context.attempt, at: Date.now() });
    if (title === 'always-fail') {
      return Promise.reject(new Error(`always-fail boom on attempt ${context.attempt}`));
    }
    if (title === 'fail-twice' && context.attempt < 2) {
      return Promise.reject(new Error(`fail-twice boom on attempt ${context.attempt}`));
    }
    return Promise.resolve();
  }
}

function testModule(amqpUrl: string) {
  @Module({
    imports: [
      MessagingModule.forRoot({
        appId: 'retries-test',
        amqpUrl,
        confirmWindow: 64,
        retryDelaysMs: RETRY_DELAYS_MS,
        logger: pino({ level: process.env.RETRIES_TEST_LOG ?? 'silent' }),
        consumer: { queue: 'normalizer', prefetch: 8, drainTimeoutMs: 2_000 },
      }),
    ],
    controllers: [FlakyHandler],
  })
  class RetriesTestModule {}
  return RetriesTestModule;
}

function article(title: string): ArticleReceivedV1 {
  return {
    id: randomUUID(),
    receivedAt: new Date().toISOString(),
    url: null,
    source: 'retries-test',
    title,
    author: null,
    publishedAt: null,
    language: null,
    text: `body of ${title}`,
    html: null,
  };
}

describe('retries and poison messages (in-process consumer on a real broker)', () => {
  const infrastructure = new TestInfrastructure();
  let app: INestApplication | null = null;
  let broker: ChannelModel | null = null;
  let channel: Channel;

  beforeAll(async () => {
    await infrastructure.create();
    app = await NestFactory.create(testModule(infrastructure.amqpUrl), { logger: false });
    const server = app.get(AmqpServer);
    app.connectMicroservice({ strategy: server });
    await app.startAllMicroservices();
    await app.init();
    await waitFor('consumer', 20_000, () => Promise.resolve(server.isConsuming));
    broker = await connect(infrastructure.amqpUrl);
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await broker?.close().catch(() => undefined);
    await app?.close();
    await infrastructure.destroy();
  });

  function send(payload: ArticleReceivedV1): void {
    const contract = messageContracts['article.received.v1'];
    channel.publish(contract.exchange, contract.routingKey, Buffer.from(JSON.stringify(payload)), {
      persistent: true,
      contentType: 'application/json',
      messageId: payload.id,
      correlationId: `corr-${payload.id}`,
      type: 'article.received.v1',
      headers: { 'x-client': 'kept' },
    });
  }

  it('retries with growing delays, parks a poison message with its error, keeps the queue flowing, and lets a twice-failing one through', async () => {
    const poison = article('always-fail');
    const flaky = article('fail-twice');
    const healthy = Array.from({ length: 20 }, (_, index) => article(`ok-${index}`));
    send(poison);
    send(flaky);
    for (const message of healthy) send(message);

    const parked = parkingQueueName(NORMALIZER_QUEUE);
    await waitFor('the poison message parked', 30_000, async () => {
      const { messageCount } = await channel.checkQueue(parked);
      return messageCount === 1;
    });

    // The poison message: first delivery plus one per retry delay, each later than the last.
    const poisonCalls = calls.filter((call) => call.title === 'always-fail');
    expect(poisonCalls.map((call) => call.attempt)).toEqual([0, 1, 2, 3]);
    const gaps = poisonCalls.slice(1).map((call, index) => call.at - poisonCalls[index].at);
    gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[index] - 50));
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);

    // The queue kept flowing: the healthy messages behind it did not wait for it to be parked.
    const healthyCalls = calls.filter((call) => call.title.startsWith('ok-'));
    expect(healthyCalls).toHaveLength(healthy.length);
    for (const call of healthyCalls) expect(call.at).toBeLessThan(poisonCalls[3].at);

    // fail-twice: attempts 0 and 1 throw, attempt 2 succeeds, nothing of it is parked.
    await waitFor('fail-twice processed', 10_000, () =>
      Promise.resolve(calls.some((call) => call.title === 'fail-twice' && call.attempt === 2)),
    );
    expect(calls.filter((call) => call.title === 'fail-twice').map((c) => c.attempt)).toEqual([
      0, 1, 2,
    ]);

    // The parked message carries its body, its id, the error text and the attempt count.
    const message = await channel.get(parked, { noAck: false });
    expect(message).not.toBe(false);
    if (message === false) return;
    channel.ack(message);
    expect(message.properties.messageId).toBe(poison.id);
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(poison);
    const headers = message.properties.headers ?? {};
    expect(String(headers[PARKED_REASON_HEADER])).toContain('always-fail boom on attempt 3');
    expect(String(headers[PARKED_REASON_HEADER])).toContain('after 4 attempts');
    expect(headers[ATTEMPT_HEADER]).toBe(3);
    expect(String(headers[LAST_ERROR_HEADER])).toContain('always-fail boom on attempt 2');
    expect(headers['x-client']).toBe('kept');
    expect((await channel.checkQueue(parked)).messageCount).toBe(0);
    // Each retry queue is empty again: nothing is left waiting.
    for (const index of RETRY_DELAYS_MS.keys()) {
      const { messageCount } = await channel.checkQueue(`${NORMALIZER_QUEUE}.retry.${index + 1}`);
      expect(messageCount).toBe(0);
    }
  });
});
