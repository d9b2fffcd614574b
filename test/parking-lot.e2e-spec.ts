import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import {
  ATTEMPT_HEADER,
  LAST_ERROR_HEADER,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
  PARKED_AT_HEADER,
  PARKED_REASON_HEADER,
  PARKING_QUEUES,
  Topology,
  listParkedMessages,
  purgeParkedMessages,
  replayParkedMessages,
} from '@newsflow/messaging';
import { TestInfrastructure, waitFor } from './support/test-system';

const run = promisify(execFile);
const parkingQueue = PARKING_QUEUES.normalizer;

/** A message as the transport parks it: original properties plus the parking headers. */
function parkArticle(channel: Channel, messageId: string, reason: string): void {
  const body = { id: messageId, text: 'parked body' };
  channel.sendToQueue(parkingQueue, Buffer.from(JSON.stringify(body)), {
    persistent: true,
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    messageId,
    correlationId: `corr-${messageId}`,
    type: 'article.received.v1',
    timestamp: 1_732_480_000,
    appId: 'ingest',
    headers: {
      'x-client': 'kept on replay',
      [ATTEMPT_HEADER]: 2,
      [LAST_ERROR_HEADER]: 'database is down',
      [PARKED_REASON_HEADER]: reason,
      [PARKED_AT_HEADER]: '2024-11-24T10:00:00.000Z',
      [ORIGINAL_EXCHANGE_HEADER]: 'newsflow.raw',
      [ORIGINAL_ROUTING_KEY_HEADER]: 'article.received',
    },
  });
}

describe('parking lot: list, replay and purge parked messages on a real broker', () => {
  const infrastructure = new TestInfrastructure();
  let broker: ChannelModel;
  let channel: Channel;
  const observerQueue = 'parking-lot-test.raw-observer';
  const first = randomUUID();
  const second = randomUUID();

  beforeAll(async () => {
    await infrastructure.create();
    broker = await connect(infrastructure.amqpUrl);
    channel = await broker.createChannel();
    await new Topology([100]).declare(channel);
    await channel.assertQueue(observerQueue, { durable: false });
    await channel.bindQueue(observerQueue, 'newsflow.raw', 'article.received');
    // The work queue is bound to the same key; keep it empty so the replay is seen only once.
    await channel.purgeQueue('newsflow.normalizer');
    parkArticle(channel, first, 'handler failed after 3 attempts: database is down');
    parkArticle(channel, second, 'invalid article.received.v1: receivedAt: Invalid input');
    await waitFor('two parked messages', 10_000, async () => {
      const { messageCount } = await channel.checkQueue(parkingQueue);
      return messageCount === 2;
    });
  });

  afterAll(async () => {
    await broker?.close().catch(() => undefined);
    await infrastructure.destroy();
  });

  async function parkedCount(): Promise<number> {
    return (await channel.checkQueue(parkingQueue)).messageCount;
  }

  it('list shows both with reason, time and origin, and leaves them parked', async () => {
    const listed = await listParkedMessages(broker, parkingQueue);
    expect(listed.map((message) => message.messageId).sort()).toEqual([first, second].sort());
    expect(listed.find((message) => message.messageId === first)).toEqual({
      messageId: first,
      type: 'article.received.v1',
      correlationId: `corr-${first}`,
      reason: 'handler failed after 3 attempts: database is down',
      parkedAt: '2024-11-24T10:00:00.000Z',
      originalExchange: 'newsflow.raw',
      originalRoutingKey: 'article.received',
      attempts: 2,
      lastError: 'database is down',
      bodyBytes: expect.any(Number),
    });
    await waitFor('requeued after listing', 5_000, async () => (await parkedCount()) === 2);
    expect(await listParkedMessages(broker, parkingQueue, 1)).toHaveLength(1);
    await waitFor('requeued after a limited list', 5_000, async () => (await parkedCount()) === 2);
  });

  it('replay --id republishes that one to its original exchange with its original properties', async () => {
    const report = await replayParkedMessages(broker, parkingQueue, { messageId: second });
    expect(report.replayed.map((message) => message.messageId)).toEqual([second]);
    expect(report.skipped).toEqual([]);

    let replayed: GetMessage | false = false;
    await waitFor('the replayed message on newsflow.raw', 10_000, async () => {
      replayed = await channel.get(observerQueue, { noAck: true });
      return replayed !== false;
    });
    const message = replayed as unknown as GetMessage;
    expect(message.fields).toMatchObject({
      exchange: 'newsflow.raw',
      routingKey: 'article.received',
    });
    expect(JSON.parse(message.content.toString('utf8'))).toEqual({
      id: second,
      text: 'parked body',
    });
    expect(message.properties).toMatchObject({
      messageId: second,
      correlationId: `corr-${second}`,
      type: 'article.received.v1',
      contentType: 'application/json',
      timestamp: 1_732_480_000,
      appId: 'ingest',
      deliveryMode: 2,
    });
    expect(message.properties.headers).toEqual({ 'x-client': 'kept on replay' });

    const stillParked = await listParkedMessages(broker, parkingQueue);
    expect(stillParked.map((parked) => parked.messageId)).toEqual([first]);
  });

  it('replay keeps a message it cannot route and reports why', async () => {
    await channel.unbindQueue(observerQueue, 'newsflow.raw', 'article.received');
    await channel.unbindQueue('newsflow.normalizer', 'newsflow.raw', 'article.received');
    try {
      const report = await replayParkedMessages(broker, parkingQueue, { messageId: first });
      expect(report.replayed).toEqual([]);
      expect(report.skipped).toEqual([
        {
          message: expect.objectContaining({ messageId: first }),
          problem: 'no queue is bound to newsflow.raw for article.received',
        },
      ]);
      await waitFor('kept parked', 5_000, async () => (await parkedCount()) === 1);
    } finally {
      await channel.bindQueue('newsflow.normalizer', 'newsflow.raw', 'article.received');
      await channel.bindQueue(observerQueue, 'newsflow.raw', 'article.received');
    }
  });

  it('npm run dlq lists through the CLI, and purge empties the parking queue', async () => {
    const env = { ...process.env, AMQP_URL: infrastructure.amqpUrl };
    const cwd = join(__dirname, '..');
    const listing = await run('npm', ['run', '--silent', 'dlq', '--', 'list'], { cwd, env });
    expect(listing.stdout).toContain(first);
    expect(listing.stdout).toContain('handler failed after 3 attempts: database is down');
    expect(listing.stdout).toContain('newsflow.raw / article.received');
    expect(listing.stdout).toContain(`1 parked message(s) in ${parkingQueue}`);

    expect(await purgeParkedMessages(broker, parkingQueue)).toBe(1);
    expect(await parkedCount()).toBe(0);
    expect(await listParkedMessages(broker, parkingQueue)).toEqual([]);

    const purgeAgain = await run('npm', ['run', '--silent', 'dlq', '--', 'purge'], { cwd, env });
    expect(purgeAgain.stdout.trim()).toBe(`purged 0 message(s) from ${parkingQueue}`);
  });

  it('reports a parking queue that does not exist instead of creating it', async () => {
    await expect(listParkedMessages(broker, 'newsflow.nobody.parked')).rejects.toThrow(
      /queue newsflow.nobody.parked does not exist/,
    );
  });
});
