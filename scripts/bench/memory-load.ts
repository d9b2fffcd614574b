/**
 * A normalizer replica's start on a kept flatness database (`BENCH_FLAT_KEEP_DATABASE=1`): loads
 * the decision memory at the default windows and prints its ready time, what it holds, and the
 * process's peak RSS, heap and typed arrays after a full collection. Run it with the normalizer's
 * node flags to see whether the load fits its heap:
 *
 *   node --expose-gc --max-old-space-size=160 --max-semi-space-size=8 \
 *     node_modules/.cache/newsflow-bench/dist/scripts/bench/memory-load.js <database url>
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@newsflow/database';
import { PostgresDecisionLog } from '../../apps/normalizer/src/persistence/postgres-decision-log';
import {
  DecisionService,
  DecisionWindows,
} from '../../apps/normalizer/src/processing/decision-service';
import { round } from './common';

/** The normalizer's default windows (libs/config). */
const WINDOWS = new DecisionWindows(45, 30);

/** `VmHWM` of this process, MB (null where /proc cannot be read). */
function peakRssMb(): number | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmHWM:'));
    return line ? round(Number(line.replace(/\D+/g, '')) / 1024, 1) : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const [url] = process.argv.slice(2);
  if (!url) throw new Error('usage: memory-load.js <database url>');
  Logger.overrideLogger(['error', 'warn']);
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    const loadBefore = loadavg()[0];
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const service = new DecisionService(new PostgresDecisionLog(dataSource), WINDOWS);
    const start = performance.now();
    const peaks = { rss: 0, heapTotal: 0, heapUsed: 0, arrayBuffers: 0, external: 0 };
    const sampler = setInterval(() => {
      const sample = process.memoryUsage();
      for (const key of Object.keys(peaks) as Array<keyof typeof peaks>)
        peaks[key] = Math.max(peaks[key], sample[key]);
    }, 50);
    const cpuStart = process.cpuUsage();
    await service.ready();
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(sampler);
    const readySeconds = (performance.now() - start) / 1000;
    global.gc?.();
    const usage = process.memoryUsage();
    console.log(
      JSON.stringify({
        readySeconds: round(readySeconds, 2),
        /** This process's CPU during the load (Postgres's is not counted). */
        loadCpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
        memory: service.statistics(),
        rssMb: round(usage.rss / 1_048_576, 1),
        peakRssMb: peakRssMb(),
        heapUsedMb: round(usage.heapUsed / 1_048_576, 1),
        heapTotalMb: round(usage.heapTotal / 1_048_576, 1),
        /** What the load added to the heap (the rest is the process's own). */
        memoryHeapMb: round((usage.heapUsed - heapBefore) / 1_048_576, 1),
        arrayBuffersMb: round(usage.arrayBuffers / 1_048_576, 1),
        /** Highest of each while loading (sampled every 50 ms), MB. */
        peaksMb: Object.fromEntries(
          Object.entries(peaks).map(([key, bytes]) => [key, round(bytes / 1_048_576, 1)]),
        ),
        loadAverage: [round(loadBefore, 2), round(loadavg()[0], 2)],
      }),
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
