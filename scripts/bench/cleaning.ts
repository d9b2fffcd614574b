/**
 * Cleaning micro-benchmark: median CPU ms of `cleanArticle` per 5 KB dump and per 200 KB HTML
 * page (generated), and over every page of both ../shared/eval page sets (both forms: median,
 * p99 and max per page) when present. CPU time, not wall time, so other work on the machine
 * inflates it less.
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

/** One eval set in one form: CPU ms per page (the fastest of its runs), over the set's pages. */
export interface EvalCleaningCase {
  set: string;
  form: 'html' | 'dump';
  pages: number;
  medianCpuMs: number | null;
  p99CpuMs: number | null;
  maxCpuMs: number | null;
  /** The URL of the slowest page, to profile it. */
  slowest: string | null;
}

export interface CleaningResult {
  /** 1/5/15-minute load average before and after (2 cores shared: note it next to any figure). */
  loadAverage: { before: number[]; after: number[] };
  dump5k: CleaningCase;
  html200k: CleaningCase;
  /** Every page of each ../shared/eval page set, as HTML and as its dump; null when absent. */
  evalPages: EvalCleaningCase[] | null;
}

const EVAL_SETS = ['pages-dev', 'pages-modern-dev'];

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

function evalPages(set: string): Array<{ url: string; html: string; dump: string }> | null {
  const file = join(EVAL_PAGES, `${set}.jsonl.gz`);
  if (!existsSync(file)) return null;
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as { url: string; html: string; dump: string });
}

/**
 * Each page cleaned `runs` times; its cost is its fastest run (other work on the machine only
 * ever adds). Real pages vary in cost far more than generated ones: the tail (p99, max) is the
 * figure that says whether one page can hold the pipeline up.
 */
function measurePages(
  set: string,
  form: 'html' | 'dump',
  inputs: readonly RawArticle[],
  runs: number,
): EvalCleaningCase {
  const costs: Array<{ url: string | null; cpuMs: number }> = [];
  for (const input of inputs) {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < runs; run++) {
      const start = process.cpuUsage();
      cleanArticle(input);
      const spent = process.cpuUsage(start);
      best = Math.min(best, (spent.user + spent.system) / 1000);
    }
    costs.push({ url: input.url, cpuMs: best });
  }
  const slowest = costs.reduce<{ url: string | null; cpuMs: number } | null>(
    (worst, cost) => (worst === null || cost.cpuMs > worst.cpuMs ? cost : worst),
    null,
  );
  const cpu = costs.map((cost) => cost.cpuMs);
  return {
    set,
    form,
    pages: inputs.length,
    medianCpuMs: round(median(cpu), 2),
    p99CpuMs: round(percentile(cpu, 99), 2),
    maxCpuMs: round(slowest?.cpuMs ?? null, 2),
    slowest: slowest?.url ?? null,
  };
}

function measureEvalSets(rounds: number): EvalCleaningCase[] | null {
  const sets = EVAL_SETS.map((set) => ({ set, pages: evalPages(set) }));
  if (sets.every(({ pages }) => pages === null)) return null;
  const runs = Math.max(2, Math.floor(rounds / 2));
  const cases: EvalCleaningCase[] = [];
  for (const { set, pages } of sets) {
    if (pages === null) {
      console.log(`cleaning: ${join(EVAL_PAGES, `${set}.jsonl.gz`)} absent, skipped`);
      continue;
    }
    const html = pages.map((page) => raw({ html: page.html, url: page.url }));
    const dumps = pages.map((page) => raw({ text: page.dump, url: page.url }));
    // Warm-up: the first pages would otherwise pay for compiling the cleaning code.
    for (const input of [...html.slice(0, 10), ...dumps.slice(0, 10)]) cleanArticle(input);
    cases.push(measurePages(set, 'html', html, runs), measurePages(set, 'dump', dumps, runs));
  }
  return cases;
}

/** One line per set and form: median, p99 and max CPU ms per page. */
export function evalCleaningLines(cases: readonly EvalCleaningCase[]): string[] {
  return cases.map(
    (item) =>
      `  ${item.set} ${item.form.padEnd(4)} pages=${item.pages} median ${item.medianCpuMs} ms, p99 ${item.p99CpuMs} ms, max ${item.maxCpuMs} ms (${item.slowest ?? '-'})`,
  );
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
    evalPages: measureEvalSets(rounds),
  };
  if (result.evalPages === null) console.log(`cleaning: ${EVAL_PAGES} absent, eval pages skipped`);
  result.loadAverage.after = loadAverage();
  console.log(
    `cleaning (load ${loadBefore.join(' ')} → ${result.loadAverage.after.join(' ')}): 5 KB dump ${result.dump5k.medianCpuMs} ms CPU median, 200 KB HTML ${result.html200k.medianCpuMs} ms`,
  );
  for (const line of evalCleaningLines(result.evalPages ?? [])) console.log(line);
  console.log(JSON.stringify(result));
}

if (require.main === module) main();
