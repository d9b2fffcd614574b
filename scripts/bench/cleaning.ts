/**
 * Cleaning micro-benchmark: median CPU ms of `cleanArticle` per 5 KB dump and per 200 KB HTML
 * page (generated), and over ../shared/eval pages (both forms) when present. CPU time, not wall
 * time, so other work on the machine inflates it less.
 *
 *   node cleaning.js <rounds>          (built by `npm run bench -- --cleaning-only`)
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/bench/cleaning.ts <rounds>
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cleanArticle, type RawArticle } from '@newsflow/text-processing';
import { loadAverage, median, percentile, round } from './common';
import { ArticleGenerator } from './generate';

const EVAL_PAGES = join(process.env.BENCH_ROOT ?? process.cwd(), '..', 'shared', 'eval');

export interface CleaningCase {
  inputs: number;
  meanBytes: number;
  medianCpuMs: number | null;
  p90CpuMs: number | null;
  medianWallMs: number | null;
}

export interface CleaningResult {
  /** 1/5/15-minute load average before and after (2 cores shared: note it next to any figure). */
  loadAverage: { before: number[]; after: number[] };
  dump5k: CleaningCase;
  html200k: CleaningCase;
  evalDump: CleaningCase | null;
  evalHtml: CleaningCase | null;
}

function raw(fields: { text?: string; html?: string; url?: string }): RawArticle {
  return {
    url: fields.url ?? 'https://www.example.com/news/1',
    source: null,
    title: null,
    author: null,
    publishedAt: null,
    language: null,
    text: fields.text ?? null,
    html: fields.html ?? null,
    receivedAt: '2025-03-12T10:00:00.000Z',
  };
}

/** Each input is cleaned `rounds` times after a warm-up; the per-call CPU time is the median. */
function measure(inputs: readonly RawArticle[], rounds: number): CleaningCase {
  for (const input of inputs.slice(0, 20)) cleanArticle(input);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) {
      const startCpu = process.cpuUsage();
      const startWall = performance.now();
      cleanArticle(input);
      const spent = process.cpuUsage(startCpu);
      wall.push(performance.now() - startWall);
      cpu.push((spent.user + spent.system) / 1000);
    }
  }
  const bytes = inputs.reduce((sum, input) => sum + (input.html ?? input.text ?? '').length, 0);
  return {
    inputs: inputs.length,
    meanBytes: Math.round(bytes / Math.max(1, inputs.length)),
    medianCpuMs: round(median(cpu), 3),
    p90CpuMs: round(percentile(cpu, 90), 3),
    medianWallMs: round(median(wall), 3),
  };
}

function evalPages(): Array<{ url: string; html: string; dump: string }> | null {
  const file = join(EVAL_PAGES, 'pages-dev.jsonl.gz');
  if (!existsSync(file)) return null;
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as { url: string; html: string; dump: string });
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 5);
  const loadBefore = loadAverage();
  const generator = new ArticleGenerator(7);
  const dumps = Array.from({ length: 100 }, () => raw({ text: generator.dumpOf(5_000) }));
  const pages = Array.from({ length: 20 }, () => raw({ html: generator.htmlOf(200_000) }));
  const result: CleaningResult = {
    loadAverage: { before: loadBefore, after: [] },
    dump5k: measure(dumps, rounds),
    html200k: measure(pages, rounds),
    evalDump: null,
    evalHtml: null,
  };
  const real = evalPages();
  if (real) {
    result.evalDump = measure(
      real.map((page) => raw({ text: page.dump, url: page.url })),
      Math.max(1, Math.floor(rounds / 2)),
    );
    result.evalHtml = measure(
      real.map((page) => raw({ html: page.html, url: page.url })),
      Math.max(1, Math.floor(rounds / 2)),
    );
  } else {
    console.log(`cleaning: ${EVAL_PAGES} absent, eval pages skipped`);
  }
  result.loadAverage.after = loadAverage();
  console.log(
    `cleaning (load ${loadBefore.join(' ')} → ${result.loadAverage.after.join(' ')}): 5 KB dump ${result.dump5k.medianCpuMs} ms CPU median, 200 KB HTML ${result.html200k.medianCpuMs} ms` +
      (result.evalHtml
        ? `; eval pages: dump ${result.evalDump?.medianCpuMs} ms (${result.evalDump?.meanBytes} B), html ${result.evalHtml.medianCpuMs} ms (${result.evalHtml.meanBytes} B)`
        : ''),
  );
  console.log(JSON.stringify(result));
}

if (require.main === module) main();
