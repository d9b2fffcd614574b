/**
 * Offline evaluation of online event clustering on ECB+ (../shared/eval/ecbplus-dev.jsonl):
 * every article goes through `classifyArticle` (dedup, then single-pass clustering) one at a
 * time in a shuffled order; the assigned event ids are scored with B-cubed against the gold events.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/eval-events.ts [--seeds=1,2,3,4,5] [--params='{"joinThreshold":0.2}'] [--half=a|b] [--report] [--oracle=young|all] [--batch=complete|average] [--dates=line|product|text|none]
 *
 * `--dates`: the publication date from the harness's own date line (default), the product's
 * (`cleanArticle` on the text and URL: its date line, else the URL's day), the product's without
 * the URL, or none (`--no-dates`). See `DateSource`.
 * `--half=a` keeps the 1st, 3rd, 5th… topic (ECB+ topic numbers in ascending order), `--half=b` the
 * others: tune on one half, report on the other, to estimate the score on unseen topics.
 * `--report` prints, per seed, the predicted events that mix gold events and the wrong joins by the
 * size of the event joined. `--oracle` is a ceiling, not a system: it hides from the decision every
 * candidate event whose members all belong to another gold event (`young`: only events of at most
 * 3 members), i.e. what a perfect "this is another happening" veto would give.
 * `--batch=complete|average` is a bound for correcting events after the fact, not a system: it
 * clusters all articles at once (same features and weighting, document frequencies of the whole
 * set, no dedup) by agglomerative clustering and prints B-cubed for a range of thresholds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import {
  DEFAULT_CLASSIFY_PARAMETERS,
  DEFAULT_REFINEMENT_PARAMETERS,
  InMemoryEventRepository,
  REFINE_EVERY,
  bcubed,
  classifyArticle,
  type BcubedScores,
  type ClassifyInput,
  type ClassifyParameters,
  type ClusteringParameters,
  cosineSimilarity,
  extractEventFeatures,
  refineAround,
  weightTerms,
  type RefinementMember,
  type RefinementParameters,
} from '../libs/text-processing/src/clustering';
import { cleanArticle } from '../libs/text-processing/src/cleaning';
import { InMemoryDedupIndex } from '../libs/text-processing/src/dedup';
import {
  eventTitleFigures,
  formatTitleFigures,
  type EventTitleFigures,
} from './support/event-titles';
import { agglomerativeClusters, type Linkage } from './support/agglomerative-clustering';
import { evalRawArticle } from './support/eval-raw-article';
import { shuffled } from './support/seeded-random';

export interface EcbArticle {
  doc: string;
  event: string;
  url: string | null;
  text: string;
}

export function evalDirectory(): string {
  return process.env.NEWSFLOW_EVAL_DIR ?? resolve(__dirname, '..', '..', 'shared', 'eval');
}

const DATELINE =
  /^(?:on |posted |published:? |updated:? )?(?:\w+day,? )?((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.? \d{1,2},? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4})/i;

/**
 * Where the publication date comes from: `line`, the date line this harness reads (the default);
 * `product`, what the product gives (`cleanArticle` on the text and URL: its date line, else the
 * URL's day); `text`, the same without the URL; `none`.
 */
export type DateSource = 'line' | 'product' | 'text' | 'none';

const productDates = new Map<string, string | null>();

/** The publication date the product gives the article (`text`: leaving its URL out). */
export function productDate(article: EcbArticle, source: 'product' | 'text'): string | null {
  const url = source === 'product' ? article.url : null;
  const key = `${source}\u0000${article.doc}`;
  if (!productDates.has(key)) {
    const outcome = cleanArticle(evalRawArticle({ text: article.text, url }));
    productDates.set(key, outcome.kind === 'article' ? outcome.article.publishedAt : null);
  }
  return productDates.get(key) ?? null;
}

export function topicOf(article: EcbArticle): string {
  return article.event.split('-')[0];
}

/** Half `a` or `b` of the topics, alternating in ascending topic number. */
export function topicHalf(articles: readonly EcbArticle[], half: 'a' | 'b'): EcbArticle[] {
  const topics = [...new Set(articles.map(topicOf))].sort(
    (first, second) => Number(first) - Number(second),
  );
  const kept = new Set(topics.filter((_, index) => index % 2 === (half === 'a' ? 0 : 1)));
  return articles.filter((article) => kept.has(topicOf(article)));
}

/**
 * ECB+ texts have no fields: a short first paragraph without a closing full stop is the headline,
 * and a date line near the top is left out of the body; the publication date comes from `dates`
 * (by default that date line, as everywhere in this harness).
 */
export function toClassifyInput(article: EcbArticle, dates: DateSource = 'line'): ClassifyInput {
  const paragraphs = article.text.split(/\n\s*\n/).map((paragraph) => paragraph.trim());
  let title: string | null = null;
  let lineDate: string | null = null;
  const remaining: string[] = [];
  paragraphs.forEach((paragraph, index) => {
    const dateline =
      index < 3 && paragraph.split(/\s+/).length <= 12 ? DATELINE.exec(paragraph) : null;
    if (dateline && lineDate === null) {
      const parsed = Date.parse(`${dateline[1].replace(/,/g, '')} UTC`);
      if (!Number.isNaN(parsed)) {
        lineDate = new Date(parsed).toISOString();
        return;
      }
    }
    if (
      title === null &&
      index < 2 &&
      remaining.length === 0 &&
      paragraph.split(/\s+/).length <= 25 &&
      !/[.!?"”]$/.test(paragraph)
    ) {
      title = paragraph;
      return;
    }
    remaining.push(paragraph);
  });
  return {
    id: article.doc,
    canonicalUrl: article.url,
    source: article.url === null ? null : new URL(article.url).hostname,
    title,
    text: remaining.join('\n\n'),
    publishedAt:
      dates === 'line' ? lineDate : dates === 'none' ? null : productDate(article, dates),
    language: 'en',
  };
}

export interface EventRunResult {
  scores: BcubedScores;
  events: number;
  duplicates: number;
  /** Wall time of classifyArticle (dedup + clustering, in-memory ports) per article. */
  millisecondsPerArticle: number;
  /** Predicted events holding more than one gold event: gold event → members. */
  mixedEvents: Array<Map<string, number>>;
  /** Joins of an event none of whose members shares the article's gold event, by the event's size before the join. */
  wrongJoinsBySize: Map<number, number>;
  /** How the final events are titled (`eventTitleFigures`; headlines as this harness reads them). */
  titles: EventTitleFigures;
}

export type Oracle = 'young' | 'all';

const ORACLE_YOUNG_MEMBERS = 3;

export interface RefinementRun {
  parameters: RefinementParameters;
  /** Articles decided between two refinements (the normalizer's `REFINE_EVERY` within a batch). */
  every: number;
}

export async function runEventClustering(
  articles: readonly EcbArticle[],
  seed: number,
  parameters: ClassifyParameters,
  dates: DateSource = 'line',
  oracle: Oracle | null = null,
  refinement: RefinementRun | null = null,
): Promise<EventRunResult> {
  const ports = { dedup: new InMemoryDedupIndex(), events: new InMemoryEventRepository() };
  const members = new Map<string, string[]>();
  let currentGold = '';
  if (oracle !== null) {
    const candidateEvents = ports.events.candidateEvents.bind(ports.events);
    ports.events.candidateEvents = async (query) =>
      (await candidateEvents(query)).filter((event) => {
        const golds = members.get(event.id) ?? [];
        if (oracle === 'young' && golds.length > ORACLE_YOUNG_MEMBERS) return true;
        return golds.length === 0 || golds.some((gold) => gold === currentGold);
      });
  }
  const assigned: Array<{ gold: string; predicted: string }> = [];
  const headlines: Array<string | null> = [];
  const wrongJoinsBySize = new Map<number, number>();
  let duplicates = 0;
  let classifyMilliseconds = 0;
  /** Refinement state: each event's first copies (oldest first), each first copy's event. */
  const eventMembers = new Map<string, RefinementMember[]>();
  const eventOf = new Map<string, string>();
  const duplicateOf = new Map<string, string>();
  let touched = new Set<string>();
  let sinceRefinement = 0;
  const refine = async () => {
    const snapshots = [...touched].flatMap((id) => {
      const event = ports.events.getEvent(id);
      return event ? [event] : [];
    });
    touched = new Set();
    sinceRefinement = 0;
    if (!refinement || snapshots.length === 0) return;
    const result = await refineAround(
      snapshots,
      (id) => eventMembers.get(id) ?? [],
      ports.events,
      refinement.parameters,
      parameters.clustering,
    );
    if (!result) return;
    for (const id of result.refined.removed) {
      ports.events.removeEvent(id);
      eventMembers.delete(id);
    }
    const assign = (eventId: string, list: RefinementMember[]) => {
      eventMembers.set(eventId, list);
      for (const member of list) eventOf.set(member.articleId, eventId);
    };
    for (const { event, members: list } of result.refined.changed) {
      await ports.events.updateEvent(event);
      assign(event.id, list);
    }
    for (const { event, members: list } of result.refined.created)
      assign((await ports.events.createEvent(event)).id, list);
  };
  for (const article of shuffled(articles, seed)) {
    const input = toClassifyInput(article, dates);
    currentGold = article.event;
    const started = performance.now();
    const result = await classifyArticle(input, ports, parameters);
    if (result.kind === 'unique') {
      const list = eventMembers.get(result.eventId) ?? [];
      list.push({
        articleId: input.id,
        title: input.title,
        source: input.source,
        publishedAt: input.publishedAt,
        terms: result.member,
      });
      eventMembers.set(result.eventId, list);
      eventOf.set(input.id, result.eventId);
      touched.add(result.eventId);
    } else duplicateOf.set(input.id, result.duplicateOf);
    if (refinement && ++sinceRefinement >= refinement.every) await refine();
    classifyMilliseconds += performance.now() - started;
    if (result.kind === 'duplicate') duplicates++;
    const golds = members.get(result.eventId) ?? [];
    if (result.kind === 'unique' && !result.eventCreated && !golds.includes(article.event))
      wrongJoinsBySize.set(golds.length, (wrongJoinsBySize.get(golds.length) ?? 0) + 1);
    members.set(result.eventId, [...golds, article.event]);
    assigned.push({ gold: article.event, predicted: result.eventId });
    headlines.push(input.title);
  }
  await refine();
  if (refinement) {
    // Where each article ends: a first copy in its event, a copy with its first copy.
    const finalEvent = (id: string): string | undefined => {
      let current = id;
      for (let hops = 0; hops < 8 && !eventOf.has(current); hops++) {
        const original = duplicateOf.get(current);
        if (original === undefined) break;
        current = original;
      }
      return eventOf.get(current);
    };
    const order = shuffled(articles, seed);
    order.forEach((article, index) => {
      assigned[index].predicted = finalEvent(article.doc) ?? assigned[index].predicted;
    });
  }
  const mixedEvents = [...members.values()]
    .map((golds) => {
      const counts = new Map<string, number>();
      for (const gold of golds) counts.set(gold, (counts.get(gold) ?? 0) + 1);
      return counts;
    })
    .filter((counts) => counts.size > 1);
  const eventIds = [...new Set(assigned.map(({ predicted }) => predicted))];
  const titles = eventTitleFigures(
    eventIds.map((id) => {
      const indexes = assigned.flatMap(({ predicted }, index) => (predicted === id ? [index] : []));
      return {
        title: ports.events.getEvent(id)?.title ?? null,
        memberTitles: indexes.map((index) => headlines[index]),
        golds: indexes.map((index) => assigned[index].gold),
      };
    }),
  );
  return {
    scores: bcubed(assigned),
    events: ports.events.eventCount,
    duplicates,
    millisecondsPerArticle: classifyMilliseconds / Math.max(1, articles.length),
    mixedEvents,
    wrongJoinsBySize,
    titles,
  };
}

const BATCH_THRESHOLDS = [0.08, 0.09, 0.1, 0.11, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.24];

/** B-cubed of offline agglomerative clustering of all articles, per threshold. */
export function batchEventClustering(
  articles: readonly EcbArticle[],
  linkage: Linkage,
  parameters: ClassifyParameters,
  thresholds: readonly number[] = BATCH_THRESHOLDS,
): Array<{ threshold: number; scores: BcubedScores; events: number }> {
  const termFrequencies = articles.map(
    (article) =>
      extractEventFeatures(toClassifyInput(article), parameters.clustering.features)
        .termFrequencies,
  );
  const frequencies = new Map<string, number>();
  for (const terms of termFrequencies)
    for (const term of terms.keys()) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  const documentFrequencies = { totalDocuments: articles.length, frequencies };
  const vectors = termFrequencies.map((terms) =>
    weightTerms(terms, documentFrequencies, parameters.clustering.weighting),
  );
  const similarities = vectors.map((first) =>
    vectors.map((second) => cosineSimilarity(first, second)),
  );
  return thresholds.map((threshold) => {
    const labels = agglomerativeClusters(similarities, linkage, threshold);
    return {
      threshold,
      scores: bcubed(
        articles.map((article, index) => ({
          gold: article.event,
          predicted: String(labels[index]),
        })),
      ),
      events: new Set(labels).size,
    };
  });
}

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((value) => value.startsWith(prefix))?.slice(prefix.length);
}

function parametersFromArguments(): ClassifyParameters {
  const overrides = JSON.parse(argument('params') ?? '{}') as Partial<ClusteringParameters>;
  const base = DEFAULT_CLASSIFY_PARAMETERS;
  return {
    ...base,
    clustering: {
      ...base.clustering,
      ...overrides,
      features: { ...base.clustering.features, ...overrides.features },
      weighting: {
        ...base.clustering.weighting,
        ...overrides.weighting,
        kindBoost: { ...base.clustering.weighting.kindBoost, ...overrides.weighting?.kindBoost },
      },
    },
  };
}

/** `--no-refine`: the online pass alone; `--refine='{"threshold":0.1}'`, `--refine-every=N`. */
function refinementFromArguments(): RefinementRun | null {
  if (process.argv.includes('--no-refine')) return null;
  const overrides = JSON.parse(argument('refine') ?? '{}') as Partial<RefinementParameters>;
  return {
    parameters: { ...DEFAULT_REFINEMENT_PARAMETERS, ...overrides },
    every: Number(argument('refine-every') ?? REFINE_EVERY),
  };
}

function format(scores: BcubedScores): string {
  return `P ${scores.precision.toFixed(3)} R ${scores.recall.toFixed(3)} F1 ${scores.f1.toFixed(3)}`;
}

async function main(): Promise<void> {
  const path = resolve(evalDirectory(), 'ecbplus-dev.jsonl');
  if (!existsSync(path)) {
    console.log(`eval:events skipped: ${path} not found (evaluation data lives beside the repo).`);
    return;
  }
  const all = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as EcbArticle);
  const half = argument('half');
  const articles = half === 'a' || half === 'b' ? topicHalf(all, half) : all;
  const parameters = parametersFromArguments();
  const batch = argument('batch');
  if (batch === 'complete' || batch === 'average') {
    console.log(
      `eval:events BATCH ${batch} linkage (a bound for after-the-fact correction, not a score): ${articles.length} articles${half ? `, topic half ${half}` : ''}`,
    );
    for (const { threshold, scores, events } of batchEventClustering(articles, batch, parameters))
      console.log(`threshold ${threshold.toFixed(2)}: ${format(scores)} (${events} events)`);
    return;
  }
  const seeds = (argument('seeds') ?? '1,2,3,4,5').split(',').map(Number);
  const datesArgument = process.argv.includes('--no-dates') ? 'none' : argument('dates');
  const dates: DateSource =
    datesArgument === 'product' || datesArgument === 'text' || datesArgument === 'none'
      ? datesArgument
      : 'line';
  const dated = articles.filter(
    (article) => toClassifyInput(article, dates).publishedAt !== null,
  ).length;
  const report = process.argv.includes('--report');
  const oracleArgument = argument('oracle');
  const oracle: Oracle | null =
    oracleArgument === 'young' || oracleArgument === 'all' ? oracleArgument : null;
  const gold = new Set(articles.map((article) => article.event)).size;
  console.log(
    `eval:events: ${articles.length} articles, ${gold} gold events, seeds ${seeds.join(',')}${half ? `, topic half ${half}` : ''}, ${dated} dated (dates: ${dates})${oracle ? `, ORACLE ${oracle} (a ceiling, not a score)` : ''}`,
  );
  const refinementRun = refinementFromArguments();
  const results: EventRunResult[] = [];
  for (const seed of seeds) {
    const result = await runEventClustering(
      articles,
      seed,
      parameters,
      dates,
      oracle,
      refinementRun,
    );
    results.push(result);
    console.log(
      `seed ${seed}: ${format(result.scores)} (${result.events} events, ${result.duplicates} duplicates, ${result.millisecondsPerArticle.toFixed(2)} ms/article)`,
    );
    console.log(`  titles: ${formatTitleFigures(result.titles)}`);
    if (report) {
      const mixed = result.mixedEvents.map((counts) =>
        [...counts].map(([event, count]) => `${event}:${count}`).join(' + '),
      );
      const wrong = [...result.wrongJoinsBySize]
        .sort(([first], [second]) => first - second)
        .map(([size, count]) => `${size}:${count}`);
      console.log(`  mixed events: ${mixed.join(' | ') || 'none'}`);
      console.log(`  wrong joins by event size: ${wrong.join(' ') || 'none'}`);
    }
  }
  const summary = (pick: (values: number[]) => number): BcubedScores => ({
    precision: pick(results.map((result) => result.scores.precision)),
    recall: pick(results.map((result) => result.scores.recall)),
    f1: pick(results.map((result) => result.scores.f1)),
  });
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(`mean: ${format(summary(mean))}`);
  console.log(`min:  ${format(summary((values) => Math.min(...values)))}`);
  console.log(
    `time: ${mean(results.map((result) => result.millisecondsPerArticle)).toFixed(2)} ms/article (mean over seeds)`,
  );
  if (refinementRun && !half && !process.argv.includes('--no-tune'))
    await tuneOnTopicHalves(all, seeds, parameters, dates, refinementRun);
}

/** The refinement grid chosen from on one topic half (see `tuneOnTopicHalves`). */
const TUNING_GRID: ReadonlyArray<Partial<RefinementParameters>> = [0.18, 0.2, 0.22].flatMap(
  (threshold) => [0, 0.02].map((stayBonus) => ({ threshold, stayBonus })),
);

/**
 * Held-out choice of the refinement's threshold and stay bonus: each grid point scored (mean F1
 * over the seeds) on one topic half, the best applied to the other half, both printed.
 */
async function tuneOnTopicHalves(
  all: readonly EcbArticle[],
  seeds: readonly number[],
  parameters: ClassifyParameters,
  dates: DateSource,
  base: RefinementRun,
): Promise<void> {
  const halves = { a: topicHalf(all, 'a'), b: topicHalf(all, 'b') };
  const scored = { a: new Map<number, BcubedScores>(), b: new Map<number, BcubedScores>() };
  for (const half of ['a', 'b'] as const)
    for (const [index, point] of TUNING_GRID.entries()) {
      const runs: BcubedScores[] = [];
      for (const seed of seeds)
        runs.push(
          (
            await runEventClustering(halves[half], seed, parameters, dates, null, {
              ...base,
              parameters: { ...base.parameters, ...point },
            })
          ).scores,
        );
      scored[half].set(index, meanScores(runs));
    }
  console.log(
    `topic halves (mean over seeds ${seeds.join(',')}; ${TUNING_GRID.length} grid points):`,
  );
  for (const [tuned, held] of [
    ['a', 'b'],
    ['b', 'a'],
  ] as const) {
    const [best] = [...scored[tuned]].sort(
      (first, second) => second[1].f1 - first[1].f1 || first[0] - second[0],
    );
    const point = TUNING_GRID[best[0]];
    const heldOut = scored[held].get(best[0]);
    const heldBest = Math.max(...[...scored[held].values()].map((scores) => scores.f1));
    console.log(
      `  tuned on ${tuned}: ${JSON.stringify(point)} ${format(best[1])} | held-out ${held}: ${heldOut ? format(heldOut) : '-'} (${held}'s own best F1 ${heldBest.toFixed(3)})`,
    );
  }
}

function meanScores(runs: readonly BcubedScores[]): BcubedScores {
  const mean = (pick: (scores: BcubedScores) => number) =>
    runs.reduce((sum, scores) => sum + pick(scores), 0) / runs.length;
  return {
    precision: mean((scores) => scores.precision),
    recall: mean((scores) => scores.recall),
    f1: mean((scores) => scores.f1),
  };
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
