/**
 * The pipeline's message flow with no work in it: what the broker alone allows newsflow on this
 * machine. Per article, newsflow moves one `article.received.v1` (ingest → normalizer) and two
 * outcome messages (an `article.*` and an `event.*`, normalizer → store), every one persistent,
 * published with confirms into a quorum queue and consumed with a manual ack. Here a publisher
 * feeds queue A; a relay consumes A and, for each message, publishes two messages into queue B
 * and acks its input once both are confirmed (as the normalizer does); a last consumer acks B.
 * Prints articles/s (B's consumed rate ÷ 2) as JSON on its last line.
 *
 *   node relay-floor.js <amqpUrl> <durationMs>
 */
import { type Channel, type ConfirmChannel, connect } from 'amqplib';
import { publishWithinConfirmWindow, round, sleep } from './common';

const WINDOW = 200;
const PREFETCH = 200;
const MESSAGE_BYTES = 3 * 1024;
const OUTCOMES_PER_ARTICLE = 2;
const WARMUP_MS = 1_000;

export interface RelayFloorResult {
  durationMs: number;
  articlesPerSecond: number;
  brokerMessagesPerArticle: number;
}

function publishConfirmed(channel: ConfirmChannel, queue: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish('', queue, body, { persistent: true }, (error) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
    );
  });
}

async function main(): Promise<void> {
  const [amqpUrl, durationArg] = process.argv.slice(2);
  const durationMs = Number(durationArg ?? 10_000);
  const received = `bench.relay.received.${process.pid}`;
  const processed = `bench.relay.processed.${process.pid}`;
  const queueOptions = { durable: true, arguments: { 'x-queue-type': 'quorum' } };
  const connections = await Promise.all([connect(amqpUrl), connect(amqpUrl), connect(amqpUrl)]);
  const [ingestSide, normalizerSide, storeSide] = connections;

  const ingest = await ingestSide.createConfirmChannel();
  await ingest.assertQueue(received, queueOptions);
  await ingest.assertQueue(processed, queueOptions);

  const relayIn: Channel = await normalizerSide.createChannel();
  const relayOut = await normalizerSide.createConfirmChannel();
  await relayIn.prefetch(PREFETCH);
  const body = Buffer.alloc(MESSAGE_BYTES, 'x');
  await relayIn.consume(received, (message) => {
    if (!message) return;
    const outcomes = Array.from({ length: OUTCOMES_PER_ARTICLE }, () =>
      publishConfirmed(relayOut, processed, body),
    );
    Promise.all(outcomes).then(
      () => relayIn.ack(message),
      () => relayIn.nack(message),
    );
  });

  const store = await storeSide.createChannel();
  await store.prefetch(PREFETCH);
  let storeConsumed = 0;
  await store.consume(processed, (message) => {
    if (!message) return;
    storeConsumed++;
    store.ack(message);
  });

  const publishing = publishWithinConfirmWindow(ingest, received, body, WINDOW);

  await sleep(WARMUP_MS);
  const start = { at: performance.now(), storeConsumed };
  await sleep(durationMs);
  const end = { at: performance.now(), storeConsumed };
  await publishing.stop();
  await ingest.waitForConfirms().catch(() => undefined);
  await ingest.deleteQueue(received).catch(() => undefined);
  await ingest.deleteQueue(processed).catch(() => undefined);
  await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));

  const seconds = (end.at - start.at) / 1000;
  const articlesPerSecond =
    (end.storeConsumed - start.storeConsumed) / OUTCOMES_PER_ARTICLE / seconds;
  const result: RelayFloorResult = {
    durationMs,
    articlesPerSecond: round(articlesPerSecond, 0) ?? 0,
    brokerMessagesPerArticle: 1 + OUTCOMES_PER_ARTICLE,
  };
  console.log(`relay floor: ${result.articlesPerSecond} articles/s (3 persistent messages each)`);
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
