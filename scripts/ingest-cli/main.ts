#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BatchSender, type ItemResult } from './batch-sender';
import { type FollowReport, followArticles } from './follow-store';
import { ProgressBar } from './progress';
import { type CollectedInput, collectFiles, collectStdin, findFiles } from './sources';

const USAGE = `Usage: newsflow-ingest [options] <files or folders…>   (or: … | newsflow-ingest [options] -)

Sends .txt, .html, .json and .ndjson files (folders recursively), or stdin, to newsflow's ingest
in batches. Ids are stable (file path + content), so re-running a half-done import is safe.

Options:
  --url URL             ingest base URL (default http://127.0.0.1:3000)
  --api-key KEY         API key (default $INGEST_API_KEY)
  --source NAME         source for articles that do not name one
  --batch-size N        articles per request (default 200, at most 1000)
  --concurrency N       requests in flight (default 2)
  --max-retries N       retries of a batch on 503, 429 or network errors (default 8)
  --wait                follow the articles at the store until processed, then report
  --store-url URL       store base URL for --wait (default http://127.0.0.1:3002)
  --wait-timeout SEC    how long --wait follows (default 300)
  --json                print the summary as JSON on stdout
  --quiet               no progress bar
  -h, --help            this text

Exit status: 0 when every article was accepted or rejected by ingest (and, with --wait,
processed); 1 when some could not be sent or were not processed in time; 2 on a usage error.`;

interface CliOptions {
  paths: string[];
  ingestUrl: string;
  storeUrl: string;
  apiKey?: string;
  source?: string;
  batchSize: number;
  concurrency: number;
  maxRetries: number;
  wait: boolean;
  waitTimeoutMs: number;
  json: boolean;
  progress: boolean;
}

class UsageError extends Error {}

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      source: { type: 'string' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      'max-retries': { type: 'string' },
      wait: { type: 'boolean' },
      'store-url': { type: 'string' },
      'wait-timeout': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    paths: positionals,
    ingestUrl: trimSlash(values.url ?? 'http://127.0.0.1:3000'),
    storeUrl: trimSlash(values['store-url'] ?? 'http://127.0.0.1:3002'),
    apiKey: values['api-key'] ?? (env.INGEST_API_KEY || undefined),
    source: values.source,
    batchSize: integerOption('--batch-size', values['batch-size'], 200, 1, 1000),
    concurrency: integerOption('--concurrency', values.concurrency, 2, 1, 64),
    maxRetries: integerOption('--max-retries', values['max-retries'], 8, 0, 100),
    wait: values.wait === true,
    waitTimeoutMs: integerOption('--wait-timeout', values['wait-timeout'], 300, 1, 86_400) * 1000,
    json: values.json === true,
    progress: values.quiet !== true,
  };
}

interface Summary {
  files: number;
  articles: number;
  accepted: number;
  rejected: number;
  failed: number;
  rejectedReasons: Array<{ reason: string; count: number; examples: string[] }>;
  failedReasons: Array<{ reason: string; count: number; examples: string[] }>;
  acceptedIds: string[];
  seconds: number;
  processing?: FollowReport;
}

async function main(): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const useStdin =
    options.paths.includes('-') || (options.paths.length === 0 && !process.stdin.isTTY);
  if (!useStdin && options.paths.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const input = await collectInput(options, useStdin);
  const results: ItemResult[] = [];
  const progress = new ProgressBar({
    label: 'sending',
    total: input.items.length,
    enabled: options.progress,
  });
  const sender = new BatchSender(
    {
      ingestUrl: options.ingestUrl,
      apiKey: options.apiKey,
      batchSize: options.batchSize,
      maxBatchBytes: 8 * 1024 * 1024,
      concurrency: options.concurrency,
      maxRetries: options.maxRetries,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      correlationId: `ingest-cli-${randomUUID()}`,
    },
    (batchResults) => {
      results.push(...batchResults);
      progress.advance(batchResults.length);
    },
  );
  await sender.sendAll(input.items);
  progress.finish();

  const summary = summarize(input, results, started);
  if (options.wait && summary.acceptedIds.length > 0) {
    summary.processing = await followArticles(summary.acceptedIds, {
      storeUrl: options.storeUrl,
      timeoutMs: options.waitTimeoutMs,
      concurrency: 8,
      pollIntervalMs: 500,
      progress: options.progress,
    });
  }
  process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
  const unfinished = summary.failed > 0 || (summary.processing?.pending.length ?? 0) > 0;
  return unfinished ? 1 : 0;
}

async function collectInput(options: CliOptions, useStdin: boolean): Promise<CollectedInput> {
  const paths = options.paths.filter((path) => path !== '-');
  const fromFiles = await collectFiles(await findFiles(paths), { source: options.source });
  if (!useStdin) return fromFiles;
  const fromStdin = collectStdin(await readStdin(), { source: options.source });
  return {
    items: [...fromFiles.items, ...fromStdin.items],
    unreadable: [...fromFiles.unreadable, ...fromStdin.unreadable],
    files: fromFiles.files,
  };
}

function summarize(input: CollectedInput, results: ItemResult[], started: number): Summary {
  const rejected = results.filter((result) => result.outcome === 'rejected');
  const failed = results.filter((result) => result.outcome === 'failed');
  const unreadable = input.unreadable.map((entry) => ({ ref: entry.ref, reason: entry.reason }));
  return {
    files: input.files,
    articles: input.items.length + input.unreadable.length,
    accepted: results.length - rejected.length - failed.length,
    rejected: rejected.length + unreadable.length,
    failed: failed.length,
    rejectedReasons: groupByReason([
      ...unreadable,
      ...rejected.map((result) => ({ ref: result.item.ref, reason: result.reason ?? 'unknown' })),
    ]),
    failedReasons: groupByReason(
      failed.map((result) => ({ ref: result.item.ref, reason: result.reason ?? 'unknown' })),
    ),
    acceptedIds: results
      .filter((result) => result.outcome === 'accepted')
      .map((result) => result.item.id),
    seconds: (Date.now() - started) / 1000,
  };
}

function groupByReason(
  entries: Array<{ ref: string; reason: string }>,
): Array<{ reason: string; count: number; examples: string[] }> {
  const groups = new Map<string, { reason: string; count: number; examples: string[] }>();
  for (const { ref, reason } of entries) {
    const group = groups.get(reason) ?? { reason, count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < 3) group.examples.push(ref);
    groups.set(reason, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

function formatSummary(summary: Summary): string {
  const lines = [
    `${summary.articles} articles from ${summary.files} files in ${summary.seconds.toFixed(1)}s`,
    `  accepted  ${summary.accepted}`,
    `  rejected  ${summary.rejected}`,
    ...reasonLines(summary.rejectedReasons),
    `  failed    ${summary.failed}`,
    ...reasonLines(summary.failedReasons),
  ];
  const processing = summary.processing;
  if (processing) {
    lines.push(
      'processed:',
      `  stored     ${processing.stored}`,
      `  duplicate  ${processing.duplicate}`,
      `  rejected   ${processing.rejected}`,
      ...Object.entries(processing.rejectedReasons).map(
        ([reason, count]) => `    ${count} × ${reason}`,
      ),
      `  events     ${processing.events}`,
    );
    if (processing.pending.length > 0) {
      lines.push(`  not processed in time: ${processing.pending.length}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function reasonLines(groups: Summary['rejectedReasons']): string[] {
  return groups.map(
    (group) => `    ${group.count} × ${group.reason} (e.g. ${group.examples.join(', ')})`,
  );
}

function integerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `newsflow-ingest: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
