/**
 * Where the time of the paced phase goes: the services' own histograms
 * (`newsflow_message_handling_duration_seconds`, delivery → settlement, per queue, and
 * `newsflow_normalizer_article_duration_seconds`) read from `/metrics` before and after the
 * phase; the difference of their `_sum` and `_count` gives the mean per message in the phase.
 */
export type MetricTotals = Map<string, { sum: number; count: number }>;

const HISTOGRAMS = [
  'newsflow_message_handling_duration_seconds',
  'newsflow_normalizer_article_duration_seconds',
];

/** Sums each histogram's `_sum`/`_count` over its series, keyed by histogram and queue label. */
export function parseTotals(exposition: string): MetricTotals {
  const totals: MetricTotals = new Map();
  for (const line of exposition.split('\n')) {
    const match = /^(\w+)_(sum|count)(\{[^}]*\})? ([-+\d.eE]+|NaN)$/.exec(line);
    if (!match || !HISTOGRAMS.includes(match[1])) continue;
    const queue = /queue="([^"]*)"/.exec(match[3] ?? '')?.[1];
    const key = queue ? `${match[1]}{queue="${queue}"}` : match[1];
    const entry = totals.get(key) ?? { sum: 0, count: 0 };
    const value = Number(match[4]);
    if (Number.isFinite(value)) entry[match[2] as 'sum' | 'count'] += value;
    totals.set(key, entry);
  }
  return totals;
}

export async function readTotals(serviceUrl: string): Promise<MetricTotals> {
  const response = await fetch(`${serviceUrl}/metrics`).catch(() => null);
  return response?.ok ? parseTotals(await response.text()) : new Map();
}

/** Mean milliseconds per message between two readings, by series; series without new messages are left out. */
export function meanMsBetween(before: MetricTotals, after: MetricTotals): Record<string, number> {
  const means: Record<string, number> = {};
  for (const [key, end] of after) {
    const start = before.get(key) ?? { sum: 0, count: 0 };
    const count = end.count - start.count;
    if (count > 0) means[key] = Math.round(((end.sum - start.sum) / count) * 10_000) / 10;
  }
  return means;
}
