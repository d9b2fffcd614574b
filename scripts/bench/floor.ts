/**
 * The raw floor of this machine: plain amqplib, persistent 3 KB messages published with confirms
 * (a window of ~200 in flight) into one quorum queue while another connection consumes them with
 * manual acks and no processing. Prints msg/s as JSON on its last line.
 *
 *   node floor.js <amqpUrl> <durationMs>
 */
import { connect } from 'amqplib';
import { publishWithinConfirmWindow, round, sleep } from './common';

const WINDOW = 200;
const PREFETCH = 200;
const MESSAGE_BYTES = 3 * 1024;
const WARMUP_MS = 1_000;

export interface FloorResult {
  durationMs: number;
  publishedPerSecond: number;
  consumedPerSecond: number;
  floorMsgPerSecond: number;
  confirmWindow: number;
  prefetch: number;
}

async function main(): Promise<void> {
  const [amqpUrl, durationArg] = process.argv.slice(2);
  const durationMs = Number(durationArg ?? 10_000);
  const queue = `bench.floor.${process.pid}`;
  const publisherConnection = await connect(amqpUrl);
  const consumerConnection = await connect(amqpUrl);
  const publisher = await publisherConnection.createConfirmChannel();
  const consumer = await consumerConnection.createChannel();
  await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await consumer.prefetch(PREFETCH);

  let consumed = 0;
  let confirmed = 0;
  await consumer.consume(
    queue,
    (message) => {
      if (!message) return;
      consumed++;
      consumer.ack(message);
    },
    { noAck: false },
  );

  const body = Buffer.alloc(MESSAGE_BYTES, 'x');
  const publishing = publishWithinConfirmWindow(publisher, queue, body, WINDOW, () => confirmed++);

  await sleep(WARMUP_MS);
  const start = { at: performance.now(), consumed, confirmed };
  await sleep(durationMs);
  const end = { at: performance.now(), consumed, confirmed };
  await publishing.stop();
  await publisher.waitForConfirms().catch(() => undefined);
  await publisher.deleteQueue(queue).catch(() => undefined);
  await publisherConnection.close();
  await consumerConnection.close();

  const seconds = (end.at - start.at) / 1000;
  const publishedPerSecond = (end.confirmed - start.confirmed) / seconds;
  const consumedPerSecond = (end.consumed - start.consumed) / seconds;
  const result: FloorResult = {
    durationMs,
    publishedPerSecond: round(publishedPerSecond, 0) ?? 0,
    consumedPerSecond: round(consumedPerSecond, 0) ?? 0,
    // End to end through the queue: what both sides sustain together.
    floorMsgPerSecond: round(Math.min(publishedPerSecond, consumedPerSecond), 0) ?? 0,
    confirmWindow: WINDOW,
    prefetch: PREFETCH,
  };
  console.log(
    `floor: published ${result.publishedPerSecond} msg/s, consumed ${result.consumedPerSecond} msg/s`,
  );
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
