import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';
import { syntheticArticle } from './support/synthetic-articles';
import { DIST, TestSystem, postJson } from './support/test-system';

/**
 * Small, so a page that is only large (not broken) runs past it as HTML and as visible text with
 * margin (~6 s and ~1.4 s of CPU time), yet far above a short article's cleaning.
 */
const BUDGET_MS = 250;

/**
 * Wall-clock time the built normalizer takes to clean `html` as a page with no budget, in a fresh
 * Node process warmed on a small page first: what an article queued behind it would wait for
 * without the budget, on this machine at this moment.
 */
async function unbudgetedCleaningMs(html: string): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'newsflow-budget-'));
  try {
    const page = join(directory, 'page.html');
    writeFileSync(page, html);
    const script = `
      const { readFileSync } = require('node:fs');
      const { prepareArticle } = require(process.argv[1]);
      const raw = (html) => ({ url: 'https://pages.example.com/long', source: null, title: null,
        author: null, publishedAt: null, language: null, text: null, html,
        receivedAt: new Date().toISOString() });
      prepareArticle('warm-up', raw('<html><body><p>' + 'Warm words. '.repeat(80) + '</p></body></html>'));
      const html = readFileSync(process.argv[2], 'utf8');
      const started = performance.now();
      prepareArticle('page', raw(html), undefined, 'page');
      process.stdout.write(String(performance.now() - started));`;
    const preparation = join(
      DIST,
      'apps',
      'normalizer',
      'src',
      'processing',
      'article-preparation.js',
    );
    const { stdout } = await promisify(execFile)(process.execPath, [
      '-e',
      script,
      preparation,
      page,
    ]);
    return Number(stdout);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const PROSE = [
  'The harbour council approved the new budget on Monday evening after a session that lasted more than six hours.',
  'Most of the extra money goes to dredging the eastern basin, which has silted up since the storms of last winter.',
  'The opposition said the plan leaves too little for the ferry service, whose timetable was cut twice this year.',
];

/** ~1.9 MB of ordinary markup: seconds to clean as a page, over a second as visible text. */
function largePage(): string {
  const blocks = Array.from(
    { length: 12_000 },
    (_, index) =>
      `<div class="c${index % 7}"><p>Paragraph ${index} of the long page says that the harbour council met again on Monday to talk about dredging.</p><span>note ${index}</span></div>`,
  );
  return `<html><head><title>A very long page</title></head><body>${blocks.join('')}</body></html>`;
}

describe('cleaning budget: a page over it holds no article behind it', () => {
  let system: TestSystem;
  let broker: ChannelModel;
  /** When each article's outcome reached a downstream consumer (this test's clock). */
  const outcomeAt = new Map<string, number>();

  beforeAll(async () => {
    system = await TestSystem.start({
      env: {
        ingest: { INGEST_MAX_BODY_BYTES: String(8 * 1024 * 1024) },
        normalizer: { NORMALIZER_CLEANING_BUDGET_MS: String(BUDGET_MS) },
      },
    });
    broker = await connect(system.infrastructure.amqpUrl);
    const channel = await broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'newsflow.processed', 'article.*');
    await channel.consume(
      queue,
      (message) => {
        const id = message?.properties.messageId as string | undefined;
        if (id !== undefined && !outcomeAt.has(id)) outcomeAt.set(id, Date.now());
      },
      { noAck: true },
    );
  });

  afterAll(async () => {
    await broker?.close();
    await system?.stop();
  });

  async function post(article: Record<string, unknown>): Promise<string> {
    const id = randomUUID();
    const response = await postJson(`${system.ingestUrl}/articles`, { id, ...article });
    expect(response.status).toBe(202);
    return id;
  }

  const valid = (title: string) => ({
    url: `https://harbour.example.com/news/${title.toLowerCase().replace(/\W+/g, '-')}`,
    title,
    text: PROSE.join('\n\n'),
  });

  it('answers the valid article behind the slow page first, long before the page would clean, then rejects the page with processing-timeout', async () => {
    // The first article through a fresh service pays its warm-up; it is not what is measured.
    const warmUp = syntheticArticle(16_001, 'budget-test');
    expect((await postJson(`${system.ingestUrl}/articles`, warmUp)).status).toBe(202);
    await system.processedArticle(warmUp.id);

    const slowId = await post({ url: 'https://pages.example.com/long', html: largePage() });
    // Posted while the page is being cleaned, so it queues behind it.
    await new Promise((resolve) => setTimeout(resolve, BUDGET_MS / 4));
    const postedAt = Date.now();
    const validId = await post(valid('Harbour budget approved'));

    const behind = await system.processedArticle(validId, 30_000);
    expect(behind.status).toBe('stored');
    const slow = await system.processedArticle(slowId, 30_000);
    expect(slow.status).toBe('rejected');
    expect(slow.reason).toMatch(/^processing-timeout/);

    const validAt = outcomeAt.get(validId) as number;
    expect(outcomeAt.get(slowId)).toBeGreaterThan(validAt);
    // Without the budget the valid article would wait the page's whole cleaning: it waited at most
    // half of it (the page's budget in CPU time, then its own processing).
    const unbudgetedMs = await unbudgetedCleaningMs(largePage());
    expect(validAt - postedAt).toBeLessThan(unbudgetedMs / 2);

    const metrics = await (await fetch(`${system.service('normalizer').url}/metrics`)).text();
    expect(metrics).toMatch(/newsflow_normalizer_cleaning_timeouts_total\{mode="page"\} 1\b/);
    expect(metrics).toMatch(
      /newsflow_normalizer_cleaning_timeouts_total\{mode="visible-text"\} 1\b/,
    );
    expect(metrics).toMatch(/newsflow_rejections_total\{reason="processing-timeout"\} 1\b/);
  });
});
