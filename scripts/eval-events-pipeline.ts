/**
 * `npm run eval:events:pipeline -- [--replicas 3] [--seed 1] [--timeout 600] [--no-refine]`: the event evaluation
 * through the real system. Starts store, ingest and N normalizer replicas (from the build in dist/,
 * or NEWSFLOW_DIST) on their own vhost and database, posts ../shared/eval/ecbplus-dev.jsonl in a
 * shuffled order as clients would, and scores the eventIds the store serves with B-cubed against the gold events, then
 * prints how the events are titled (`eventTitleFigures`). `--timeout`: seconds to wait for every
 * article. The scores are read once the queues are empty (the refinement may still move articles
 * after the last one is stored), for all articles and for each topic half (`topicHalf`).
 * `--no-refine`: the normalizers run the online pass alone (`EVENT_REFINEMENT=off`).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bcubed } from '../libs/text-processing/src/clustering';
import { TestSystem, postJson, waitFor } from '../test/support/test-system';
import { connect } from 'amqplib';
import { type EcbArticle, evalDirectory, toClassifyInput, topicHalf } from './eval-events';
import { eventTitleFigures, formatTitleFigures } from './support/event-titles';
import { shuffled } from './support/seeded-random';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const file = join(evalDirectory(), 'ecbplus-dev.jsonl');
  if (!existsSync(file)) {
    console.log(
      `eval:events:pipeline skipped: ${file} is not there (the eval data lives beside the repo)`,
    );
    return;
  }
  const replicas = option('replicas', 3);
  const seed = option('seed', 1);
  const articles = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as EcbArticle);
  const order = shuffled(articles, seed).map((article) => ({ article, id: randomUUID() }));

  const system = await TestSystem.start({ services: ['store', 'ingest'] });
  try {
    const env: Record<string, string> = process.argv.includes('--no-refine')
      ? { EVENT_REFINEMENT: 'off' }
      : {};
    await Promise.all(
      Array.from({ length: replicas }, () => system.startService('normalizer', env)),
    );
    const started = Date.now();
    for (let offset = 0; offset < order.length; offset += 50) {
      const chunk = order.slice(offset, offset + 50);
      const response = await postJson(
        `${system.ingestUrl}/articles/batch`,
        chunk.map(({ article, id }) => ({
          id,
          text: article.text,
          ...(article.url ? { url: article.url } : {}),
        })),
      );
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
    }
    await waitFor('every article processed', option('timeout', 600) * 1000, async () => {
      const rows = await system.infrastructure.query<{ count: string }>(
        'SELECT count(*) FROM articles',
      );
      return Number(rows[0].count) >= order.length;
    });
    await drained(system.infrastructure.amqpUrl);
    const rows = await system.infrastructure.query<{
      id: string;
      status: string;
      event_id: string | null;
      title: string | null;
    }>('SELECT id, status, event_id, title FROM articles');
    const byId = new Map(rows.map((row) => [row.id, row]));
    const processed = order.map(({ article, id }) => {
      const row = byId.get(id);
      if (!row) throw new Error(`article ${id} missing`);
      return { article, stored: { id, status: row.status, eventId: row.event_id } };
    });
    const seconds = (Date.now() - started) / 1000;
    const scores = bcubed(
      processed.map(({ article, stored }) => ({
        gold: article.event,
        predicted: stored.eventId ?? `rejected:${stored.id}`,
      })),
    );
    const count = (status: string) =>
      processed.filter(({ stored }) => stored.status === status).length;
    console.log(
      `eval:events:pipeline  ${articles.length} articles, ${replicas} normalizer replicas, shuffle seed ${seed}, ${seconds.toFixed(1)} s`,
    );
    console.log(
      `  stored ${count('stored')}, duplicate ${count('duplicate')}, rejected ${count('rejected')}, events ${new Set(processed.map(({ stored }) => stored.eventId)).size}`,
    );
    console.log(
      `  B-cubed precision ${scores.precision.toFixed(3)}  recall ${scores.recall.toFixed(3)}  F1 ${scores.f1.toFixed(3)}`,
    );
    const halves = Object.fromEntries(
      (['a', 'b'] as const).map((half) => {
        const kept = new Set(topicHalf(articles, half));
        return [
          half,
          bcubed(
            processed
              .filter(({ article }) => kept.has(article))
              .map(({ article, stored }) => ({
                gold: article.event,
                predicted: stored.eventId ?? `rejected:${stored.id}`,
              })),
          ),
        ];
      }),
    );
    console.log(
      `  topic half a F1 ${halves.a.f1.toFixed(3)}, half b F1 ${halves.b.f1.toFixed(3)} (each scored on its own articles)`,
    );
    const eventRows = await system.infrastructure.query<{ id: string; title: string | null }>(
      'SELECT id, title FROM events',
    );
    const titles = eventTitleFigures(
      eventRows.map((event) => {
        const members = processed.filter(({ stored }) => stored.eventId === event.id);
        return {
          title: event.title,
          memberTitles: members.map(({ stored }) => byId.get(stored.id)?.title ?? null),
          referenceTitles: members.map(({ article }) => toClassifyInput(article).title),
          golds: members.map(({ article }) => article.event),
        };
      }),
    );
    console.log(`  titles: ${formatTitleFigures(titles)}`);
    console.log(JSON.stringify({ replicas, seed, ...scores, halves, titles }));
  } finally {
    await system.stop();
  }
}

/** Waits until the normalizer's and the store's queues stay empty (two looks a second apart). */
async function drained(amqpUrl: string): Promise<void> {
  const broker = await connect(amqpUrl);
  try {
    const channel = await broker.createChannel();
    let empty = 0;
    await waitFor('the queues to drain', 120_000, async () => {
      let pending = 0;
      for (const queue of ['newsflow.normalizer', 'newsflow.store'])
        pending += (await channel.checkQueue(queue)).messageCount;
      empty = pending === 0 ? empty + 1 : 0;
      if (empty < 2) await new Promise((resolve) => setTimeout(resolve, 1000));
      return empty >= 2;
    });
  } finally {
    await broker.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
