/**
 * `npm run bench [-- --quick] [-- --dist <build>] [-- --no-profile] [-- --no-flat | --flat]`
 * `npm run bench -- --cleaning-only [--rounds N]`: the cleaning micro-benchmark alone (no broker,
 * no database), N rounds per input (default 5, 2 with --quick).
 *
 * Builds (via the npm script) into node_modules/.cache/newsflow-bench/dist, then: cleaning
 * micro-benchmark, the raw RabbitMQ floor, the three services on a fresh vhost and database under
 * load from a separate process (throughput, latency at half rate, CPU per article, peak RSS,
 * normalizer CPU profile), and the dedup/event cost flatness from 10k to 1M stored articles.
 * Prints a summary and, as its last line, one JSON object with every figure.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase } from '@newsflow/database';
import { type CleaningResult, evalCleaningLines } from './cleaning';
import {
  ask,
  brokerPid,
  errorMessage,
  loadAverage,
  machineCpuTicks,
  processCpuSeconds,
  processMemoryMb,
  round,
  run,
  runJsonChild,
  sleep,
} from './common';
import type { FlatnessResult } from './flatness';
import type { FloorResult } from './floor';
import type { RelayFloorResult } from './relay-floor';
import type { PacedResult, SaturateResult } from './load';
import { type ProfileSummary, summariseProfile } from './profile';
import { type MetricTotals, meanMsBetween, readTotals } from './stage-times';
import { SERVICE_NODE_ARGS } from '../support/service-node-args';

type ServiceName = 'store' | 'normalizer' | 'ingest';

const ROOT = process.env.BENCH_ROOT ?? process.cwd();
const CACHE = join(ROOT, 'node_modules', '.cache', 'newsflow-bench');
const READY_DEADLINE_MS = 180_000;
const BROKER_HOST = process.env.BENCH_AMQP_HOST ?? '127.0.0.1:5672';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

const TARGETS = {
  /** Pipeline throughput over the relay floor measured in the same run. */
  throughputRatioOfRelayFloor: 0.15,
  p99Ms: 250,
  rssMb: 256,
  normalizerCpuMsPerArticle: 2,
  /** Decision cost, largest store over smallest, alone and in batches. */
  flatRatio: 1.1,
  /** A replica's memory loaded at the largest store. */
  readySeconds: 60,
  dump5kCpuMs: 1,
  html200kCpuMs: 15,
  /** HTML cleaning of real pages (../shared/eval), CPU ms per page on one core. */
  evalHtmlMedianCpuMs: 15,
  evalHtmlP99CpuMs: 150,
};

/** The eval page sets' lines of the summary, HTML against its targets; says so when absent. */
function evalCleaningSummary(cleaning: CleaningResult): string[] {
  if (cleaning.evalPages === null) return ['cleaning, eval pages: ../shared/eval absent, skipped'];
  const lines = evalCleaningLines(cleaning.evalPages);
  const html = cleaning.evalPages.filter((item) => item.form === 'html');
  const within = html.every(
    (item) =>
      (item.medianCpuMs ?? Infinity) <= TARGETS.evalHtmlMedianCpuMs &&
      (item.p99CpuMs ?? Infinity) <= TARGETS.evalHtmlP99CpuMs,
  );
  return [
    `cleaning, eval pages (CPU ms per page; HTML targets median ≤ ${TARGETS.evalHtmlMedianCpuMs}, p99 ≤ ${TARGETS.evalHtmlP99CpuMs}: ${within ? 'met' : 'NOT met'}):`,
    ...lines,
  ];
}

interface Options {
  quick: boolean;
  dist: string;
  profile: boolean;
  /** `--profile-all`: a `.cpuprofile` of the store and ingest too, not only of the normalizer. */
  profileAll: boolean;
  flat: boolean;
  /** `--cleaning-only`: phase 1 alone, no broker or database needed. */
  cleaningOnly: boolean;
  /** `--rounds N`: cleaning micro-benchmark rounds per input. */
  cleaningRounds: number;
  /** `--env normalizer:AMQP_PREFETCH=8`: extra environment for one service, to try a setting. */
  serviceEnv: Record<ServiceName, Record<string, string>>;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const distIndex = argv.indexOf('--dist');
  const dist =
    distIndex >= 0 ? join(ROOT, argv[distIndex + 1] ?? 'dist') : join(__dirname, '..', '..');
  const serviceEnv: Record<ServiceName, Record<string, string>> = {
    ingest: {},
    normalizer: {},
    store: {},
  };
  argv.forEach((arg, index) => {
    if (arg !== '--env') return;
    const match = /^(ingest|normalizer|store):([A-Z0-9_]+)=(.*)$/.exec(argv[index + 1] ?? '');
    if (!match) throw new Error(`--env wants service:NAME=value, got ${argv[index + 1]}`);
    serviceEnv[match[1] as ServiceName][match[2]] = match[3];
  });
  const roundsIndex = argv.indexOf('--rounds');
  const cleaningRounds = roundsIndex >= 0 ? Number(argv[roundsIndex + 1]) : quick ? 2 : 5;
  if (!Number.isInteger(cleaningRounds) || cleaningRounds < 1) {
    throw new Error(`--rounds wants a positive integer, got ${argv[roundsIndex + 1]}`);
  }
  return {
    quick,
    dist,
    cleaningOnly: argv.includes('--cleaning-only'),
    cleaningRounds,
    serviceEnv,
    profile: !argv.includes('--no-profile'),
    profileAll: argv.includes('--profile-all') && !argv.includes('--no-profile'),
    flat: argv.includes('--flat') || (!quick && !argv.includes('--no-flat')),
  };
}

interface Service {
  name: ServiceName;
  child: ChildProcess;
  port: number;
  url: string;
  exit: Promise<number | null>;
}

class Bench {
  readonly suffix = randomBytes(4).toString('hex');
  readonly vhost = `newsflow-bench-${this.suffix}`;
  readonly databaseName = `newsflow_bench_${this.suffix}`;
  readonly amqpUrl = `amqp://guest:guest@${BROKER_HOST}/${encodeURIComponent(this.vhost)}`;
  readonly databaseUrl = `${POSTGRES_URL}/${this.databaseName}`;
  readonly logDir = join(CACHE, 'runs', this.suffix);
  readonly services = new Map<ServiceName, Service>();
  private vhostCreated = false;

  constructor(private readonly options: Options) {
    mkdirSync(this.logDir, { recursive: true });
  }

  async createVhost(): Promise<void> {
    await run('rabbitmqctl', ['add_vhost', this.vhost]);
    this.vhostCreated = true;
    await run('rabbitmqctl', ['set_permissions', '-p', this.vhost, 'guest', '.*', '.*', '.*']);
  }

  async startService(name: ServiceName, port: number): Promise<Service> {
    const log = createWriteStream(join(this.logDir, `${name}.log`));
    const nodeArgs = [
      // As the Dockerfile and `npm start` run it.
      ...SERVICE_NODE_ARGS[name],
      ...((name === 'normalizer' && this.options.profile) || this.options.profileAll
        ? ['--cpu-prof', `--cpu-prof-dir=${this.logDir}`, `--cpu-prof-name=${name}.cpuprofile`]
        : []),
    ];
    const child = spawn(
      process.execPath,
      [...nodeArgs, join(this.options.dist, 'apps', name, 'src', 'main.js')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
          AMQP_URL: this.amqpUrl,
          DATABASE_URL: this.databaseUrl,
          [`${name.toUpperCase()}_PORT`]: String(port),
          ...this.options.serviceEnv[name],
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const service: Service = { name, child, port, url: `http://127.0.0.1:${port}`, exit };
    this.services.set(name, service);
    // Generous: a normalizer pointed at a large kept store (`--env normalizer:DATABASE_URL=…`)
    // loads its memory first, on a machine the bench itself keeps busy.
    const deadline = Date.now() + READY_DEADLINE_MS;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${name} exited with ${child.exitCode}; see ${this.logDir}/${name}.log`);
      const response = await fetch(`${service.url}/health/ready`).catch(() => null);
      if (response?.ok) break;
      if (Date.now() > deadline)
        throw new Error(`${name} not ready after ${READY_DEADLINE_MS / 1000} s`);
      await sleep(200);
    }
    return service;
  }

  async stopServices(): Promise<void> {
    // Ingest first, so nothing new comes in; the normalizer must exit cleanly to write its profile.
    for (const name of ['ingest', 'normalizer', 'store'] as const) {
      const service = this.services.get(name);
      if (!service || service.child.exitCode !== null) continue;
      service.child.kill('SIGTERM');
      const code = await Promise.race([service.exit, sleep(20_000).then(() => 'timeout')]);
      if (code === 'timeout') {
        service.child.kill('SIGKILL');
        await service.exit;
      }
    }
  }

  async destroy(): Promise<void> {
    await this.stopServices().catch(() => undefined);
    if (this.vhostCreated)
      await run('rabbitmqctl', ['delete_vhost', this.vhost]).catch(() => undefined);
    await dropDatabase(`${POSTGRES_URL}/${this.databaseName}`);
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface ServiceFigures {
  peakRssMb: number;
  vmHwmMb: number;
  cpuSecondsInWindow: number | null;
}

interface PipelineResult {
  saturate: SaturateResult;
  paced: PacedResult;
  /** Mean ms per message during the paced phase, from the services' own histograms. */
  pacedStageMeansMs: Record<string, number>;
  normalizerCpuMsPerArticle: number | null;
  services: Record<ServiceName, ServiceFigures>;
  brokerCpuSecondsInWindow: number | null;
  machineBusyPercentInWindow: number | null;
  profile: ProfileSummary | null;
  /** With `--profile-all`: the store's and ingest's profiles. */
  otherProfiles: Partial<Record<ServiceName, ProfileSummary>>;
}

interface CpuSnapshot {
  services: Map<ServiceName, number | null>;
  broker: number | null;
  machine: { busy: number; total: number };
}

async function runPipeline(bench: Bench, options: Options): Promise<PipelineResult> {
  for (const name of ['store', 'normalizer', 'ingest'] as const) {
    await bench.startService(name, await freePort());
    console.log(`  ${name} ready (pid ${bench.services.get(name)?.child.pid})`);
  }
  const pids = new Map<ServiceName, number>();
  for (const [name, service] of bench.services)
    if (service.child.pid) pids.set(name, service.child.pid);
  const peak = new Map<ServiceName, number>();
  const sampler = setInterval(() => {
    for (const [name, pid] of pids) {
      const memory = processMemoryMb(pid);
      if (memory) peak.set(name, Math.max(peak.get(name) ?? 0, memory.rss));
    }
  }, 200);

  const beam = await brokerPid();
  const snapshot = (): CpuSnapshot => ({
    services: new Map([...pids].map(([name, pid]) => [name, processCpuSeconds(pid)])),
    broker: beam === null ? null : processCpuSeconds(beam),
    machine: machineCpuTicks(),
  });
  const marks: { start?: CpuSnapshot; end?: CpuSnapshot } = {};

  const load = fork(join(__dirname, 'load.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  load.on('message', (message: unknown) => {
    const mark = message as { cmd?: string; event?: string };
    if (mark.cmd !== 'mark') return;
    if (mark.event === 'window-start') marks.start = snapshot();
    if (mark.event === 'window-end') marks.end = snapshot();
  });
  try {
    await ask(load, {
      cmd: 'init',
      ingestUrl: bench.services.get('ingest')?.url ?? '',
      storeUrl: bench.services.get('store')?.url ?? '',
      databaseUrl: bench.databaseUrl,
      seed: 42,
    });
    const windowMs = options.quick ? 8_000 : 30_000;
    console.log(`  saturating for ${windowMs / 1000} s (after warm-up)...`);
    const saturate = await ask<SaturateResult>(load, {
      cmd: 'saturate',
      warmupMs: options.quick ? 3_000 : 5_000,
      drainTimeoutMs: options.quick ? 60_000 : 120_000,
      windowMs,
      batchSize: 50,
      concurrency: 4,
      maxBacklog: 2_000,
    });
    console.log(
      `  sustained ${saturate.throughputPerSecond} articles/s queryable (${saturate.acceptedPerSecond}/s accepted), drained in ${saturate.drainSeconds} s`,
    );
    const rate = Math.max(
      1,
      Math.round((saturate.throughputPerSecond || saturate.overallPerSecond) / 2),
    );
    console.log(`  paced at ${rate}/s (half the sustained rate)...`);
    const stageServices = ['normalizer', 'store'] as const;
    const readStageTotals = async (): Promise<MetricTotals> =>
      new Map(
        (
          await Promise.all(
            stageServices.map((name) => readTotals(bench.services.get(name)?.url ?? '')),
          )
        ).flatMap((totals, index) =>
          [...totals].map(([key, value]) => [`${stageServices[index]} ${key}`, value] as const),
        ),
      );
    const stagesBefore = await readStageTotals();
    const paced = await ask<PacedResult>(load, {
      cmd: 'paced',
      ratePerSecond: rate,
      durationMs: options.quick ? 5_000 : 20_000,
      tickMs: 20,
    });
    console.log(`  POST→queryable p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms`);
    const pacedStageMeansMs = meanMsBetween(stagesBefore, await readStageTotals());
    for (const [stage, ms] of Object.entries(pacedStageMeansMs))
      console.log(`    mean ${ms} ms: ${stage}`);
    await ask(load, { cmd: 'stop' }).catch(() => undefined);

    const vmHwm = new Map<ServiceName, number>();
    for (const [name, pid] of pids) vmHwm.set(name, processMemoryMb(pid)?.hwm ?? 0);
    clearInterval(sampler);
    await bench.stopServices();

    const cpuDelta = (name: ServiceName) => {
      const before = marks.start?.services.get(name);
      const after = marks.end?.services.get(name);
      return before != null && after != null ? round(after - before, 2) : null;
    };
    const normalizerCpu = cpuDelta('normalizer');
    const services = Object.fromEntries(
      (['ingest', 'normalizer', 'store'] as const).map((name) => [
        name,
        {
          peakRssMb: round(peak.get(name) ?? 0, 1) ?? 0,
          vmHwmMb: round(vmHwm.get(name) ?? 0, 1) ?? 0,
          cpuSecondsInWindow: cpuDelta(name),
        },
      ]),
    ) as Record<ServiceName, ServiceFigures>;
    const machine =
      marks.start && marks.end
        ? round(
            ((marks.end.machine.busy - marks.start.machine.busy) /
              Math.max(1, marks.end.machine.total - marks.start.machine.total)) *
              100,
            0,
          )
        : null;
    const brokerCpu =
      marks.start?.broker != null && marks.end?.broker != null
        ? round(marks.end.broker - marks.start.broker, 2)
        : null;
    let profile: ProfileSummary | null = null;
    const profileFile = join(bench.logDir, 'normalizer.cpuprofile');
    if (options.profile && existsSync(profileFile)) profile = summariseProfile(profileFile, ROOT);
    else if (options.profile)
      console.log(`  no profile written (files: ${readdirSync(bench.logDir).join(', ')})`);
    const otherProfiles: Partial<Record<ServiceName, ProfileSummary>> = {};
    for (const name of ['store', 'ingest'] as const) {
      const file = join(bench.logDir, `${name}.cpuprofile`);
      if (options.profileAll && existsSync(file))
        otherProfiles[name] = summariseProfile(file, ROOT);
    }
    return {
      saturate,
      paced,
      pacedStageMeansMs,
      normalizerCpuMsPerArticle:
        normalizerCpu !== null && saturate.queryableInWindow > 0
          ? round((normalizerCpu * 1000) / saturate.queryableInWindow, 2)
          : null,
      services,
      brokerCpuSecondsInWindow: brokerCpu,
      machineBusyPercentInWindow: machine,
      profile,
      otherProfiles,
    };
  } finally {
    clearInterval(sampler);
    if (load.exitCode === null) load.kill('SIGTERM');
  }
}

function printProfile(service: string, profile: ProfileSummary): void {
  console.log(
    `${service} profile (self time, ${profile.busySamples} busy samples, GC ${profile.gcPercent}%):`,
  );
  for (const entry of profile.top.slice(0, 10))
    console.log(`  ${String(entry.selfPercent).padStart(5)}%  ${entry.function}  ${entry.where}`);
  console.log(
    `  by module: ${profile.byModule
      .slice(0, 8)
      .map((entry) => `${entry.module} ${entry.selfPercent}%`)
      .join(', ')}`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadBefore = loadAverage();
  console.log(
    `newsflow bench (${options.quick ? 'quick' : 'full'}) — services from ${options.dist}; load average ${loadBefore.join(' ')}; service env ${JSON.stringify(options.serviceEnv)}`,
  );
  const errors: string[] = [];
  const childEnv = { BENCH_ROOT: ROOT };

  console.log('1. cleaning micro-benchmark');
  const cleaning = await runJsonChild<CleaningResult>(
    join(__dirname, 'cleaning.js'),
    [String(options.cleaningRounds)],
    { env: childEnv },
  ).catch((error: unknown) => {
    errors.push(`cleaning: ${errorMessage(error)}`);
    return null;
  });

  if (options.cleaningOnly) {
    const loadAfter = loadAverage();
    console.log('\n=== summary ===');
    console.log(
      `load average: before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')} (2 cores)`,
    );
    if (cleaning)
      console.log(
        `cleaning: 5 KB dump ${cleaning.dump5k.medianCpuMs} ms [target ≤ ${TARGETS.dump5kCpuMs}], 200 KB HTML ${cleaning.html200k.medianCpuMs} ms [target ≤ ${TARGETS.html200kCpuMs}]`,
      );
    if (cleaning) for (const line of evalCleaningSummary(cleaning)) console.log(line);
    for (const error of errors) console.log(`ERROR ${error}`);
    console.log(
      JSON.stringify({
        mode: 'cleaning-only',
        startedAt: startedAt.toISOString(),
        loadAverage: { before: loadBefore, after: loadAfter },
        cleaning,
        targets: TARGETS,
        errors,
      }),
    );
    process.exitCode = errors.length > 0 ? 1 : 0;
    return;
  }

  const bench = new Bench(options);
  const onSignal = () => {
    void bench.destroy().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let floor: FloorResult | null = null;
  let relayFloor: RelayFloorResult | null = null;
  let pipeline: PipelineResult | null = null;
  let loadDuringPipeline: [number, number, number] | null = null;
  try {
    console.log('2. raw floor (amqplib, persistent 3 KB, confirms, one quorum queue, manual ack)');
    await bench.createVhost();
    floor = await runJsonChild<FloorResult>(
      join(__dirname, 'floor.js'),
      [bench.amqpUrl, String(options.quick ? 4_000 : 15_000)],
      { env: childEnv },
    );
    console.log("2b. relay floor (the pipeline's 3 messages per article, no work)");
    relayFloor = await runJsonChild<RelayFloorResult>(
      join(__dirname, 'relay-floor.js'),
      [bench.amqpUrl, String(options.quick ? 4_000 : 15_000)],
      { env: childEnv },
    );
    console.log('3. pipeline (three services, production build, fresh vhost and database)');
    pipeline = await runPipeline(bench, options);
    loadDuringPipeline = loadAverage();
  } catch (error) {
    errors.push(`pipeline: ${errorMessage(error)}`);
    console.error(error);
  } finally {
    await bench.destroy();
  }

  let flatness: FlatnessResult | null = null;
  if (options.flat) {
    console.log('4. dedup/event cost flatness (10k → 1M stored articles, generated in SQL)');
    flatness = await runJsonChild<FlatnessResult>(
      join(__dirname, 'flatness.js'),
      [
        POSTGRES_URL,
        process.env.BENCH_FLAT_SIZES ?? '10000,1000000',
        options.quick ? '100' : '300',
      ],
      { env: childEnv },
    ).catch((error: unknown) => {
      errors.push(`flatness: ${errorMessage(error)}`);
      return null;
    });
  }

  const throughput = pipeline?.saturate.throughputPerSecond ?? null;
  const ratio =
    throughput !== null && floor && floor.floorMsgPerSecond > 0
      ? round(throughput / floor.floorMsgPerSecond, 3)
      : null;
  const relayRatio =
    throughput !== null && relayFloor && relayFloor.articlesPerSecond > 0
      ? round(throughput / relayFloor.articlesPerSecond, 3)
      : null;
  const rss = pipeline
    ? Math.max(...Object.values(pipeline.services).map((service) => service.vmHwmMb))
    : null;
  const verdict = {
    throughput: relayRatio !== null ? relayRatio >= TARGETS.throughputRatioOfRelayFloor : null,
    p99: pipeline?.paced.p99Ms != null ? pipeline.paced.p99Ms < TARGETS.p99Ms : null,
    rss: rss !== null ? rss <= TARGETS.rssMb : null,
    normalizerCpu:
      pipeline?.normalizerCpuMsPerArticle != null
        ? pipeline.normalizerCpuMsPerArticle <= TARGETS.normalizerCpuMsPerArticle
        : null,
    ready: flatness?.readySeconds != null ? flatness.readySeconds <= TARGETS.readySeconds : null,
    flat:
      flatness?.ratio != null
        ? Math.max(flatness.ratio, flatness.batchRatio ?? 0) <= TARGETS.flatRatio
        : null,
    dump5k:
      cleaning?.dump5k.medianCpuMs != null
        ? cleaning.dump5k.medianCpuMs <= TARGETS.dump5kCpuMs
        : null,
    html200k:
      cleaning?.html200k.medianCpuMs != null
        ? cleaning.html200k.medianCpuMs <= TARGETS.html200kCpuMs
        : null,
  };
  const loadAfter = loadAverage();
  const mark = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'ok' : 'MISS');

  console.log('\n=== summary ===');
  console.log(
    `load average: before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')} (2 cores)`,
  );
  if (floor)
    console.log(
      `raw floor: ${floor.floorMsgPerSecond} msg/s (published ${floor.publishedPerSecond}, consumed ${floor.consumedPerSecond})`,
    );
  if (relayFloor)
    console.log(
      `relay floor: ${relayFloor.articlesPerSecond} articles/s = ${floor && floor.floorMsgPerSecond > 0 ? round(relayFloor.articlesPerSecond / floor.floorMsgPerSecond, 3) : 'n/a'} × floor (the broker's share alone: 1 + 2 persistent messages per article, no work)`,
    );
  if (pipeline) {
    const { saturate, paced, services } = pipeline;
    console.log(
      `pipeline: ${saturate.throughputPerSecond} articles/s accepted+queryable over ${saturate.windowSeconds} s = ${ratio} × raw floor, ${relayRatio} × relay floor [target ≥ ${TARGETS.throughputRatioOfRelayFloor} × relay: ${mark(verdict.throughput)}]`,
    );
    console.log(
      `latency at ${paced.ratePerSecond}/s: p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms, max ${paced.maxMs} ms (${paced.measured}/${paced.sent}, ${paced.missing} missing) [p99 < ${TARGETS.p99Ms}: ${mark(verdict.p99)}]`,
    );
    console.log(
      `normalizer CPU: ${pipeline.normalizerCpuMsPerArticle} ms/article [≤ ${TARGETS.normalizerCpuMsPerArticle}: ${mark(verdict.normalizerCpu)}]; machine ${pipeline.machineBusyPercentInWindow}% busy in window; broker ${pipeline.brokerCpuSecondsInWindow} CPU s`,
    );
    for (const [name, figures] of Object.entries(services))
      console.log(
        `  ${name}: peak RSS ${figures.peakRssMb} MB (VmHWM ${figures.vmHwmMb}), ${figures.cpuSecondsInWindow} CPU s in window` +
          (figures.cpuSecondsInWindow !== null && saturate.queryableInWindow > 0
            ? ` = ${round((figures.cpuSecondsInWindow * 1000) / saturate.queryableInWindow, 2)} ms/article`
            : ''),
      );
    console.log(`RSS ≤ ${TARGETS.rssMb} MB per service: ${mark(verdict.rss)}`);
    if (pipeline.profile) printProfile('normalizer', pipeline.profile);
    for (const [name, profile] of Object.entries(pipeline.otherProfiles))
      printProfile(name, profile);
  }
  if (cleaning) {
    console.log(
      `cleaning: 5 KB dump ${cleaning.dump5k.medianCpuMs} ms [≤ 1: ${mark(verdict.dump5k)}], 200 KB HTML ${cleaning.html200k.medianCpuMs} ms [≤ 15: ${mark(verdict.html200k)}]`,
    );
    for (const line of evalCleaningSummary(cleaning)) console.log(line);
  }
  if (flatness)
    console.log(
      `flatness (${flatness.dates} dates): alone ${flatness.sizes.map((size) => `${size.articles} → ${size.medianMs} ms`).join(', ')} (ratio ${flatness.ratio}); in batches ${flatness.sizes.map((size) => `${size.articles} → ${size.batchMsPerArticle} ms`).join(', ')} (ratio ${flatness.batchRatio}) [both ≤ ${TARGETS.flatRatio}: ${mark(verdict.flat)}]; a replica ready in ${flatness.readySeconds} s at ${flatness.sizes[flatness.sizes.length - 1]?.articles} stored [≤ ${TARGETS.readySeconds}: ${mark(verdict.ready)}]`,
    );
  for (const error of errors) console.log(`ERROR ${error}`);

  console.log(
    JSON.stringify({
      mode: options.quick ? 'quick' : 'full',
      serviceEnv: options.serviceEnv,
      startedAt: startedAt.toISOString(),
      loadAverage: { before: loadBefore, duringPipeline: loadDuringPipeline, after: loadAfter },
      cores: (await import('node:os')).cpus().length,
      floor,
      relayFloor,
      pipeline: pipeline && {
        ...pipeline,
        throughputPerSecond: throughput,
        throughputRatioOfFloor: ratio,
        throughputRatioOfRelayFloor: relayRatio,
        profile: pipeline.profile && {
          ...pipeline.profile,
          top: pipeline.profile.top,
          byModule: pipeline.profile.byModule,
        },
      },
      cleaning,
      flatness,
      targets: TARGETS,
      verdict,
      errors,
    }),
  );
  process.exitCode = errors.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
