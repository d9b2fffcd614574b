/**
 * Offline evaluation of near-duplicate detection.
 *
 * Originals: the `truth` bodies of ../shared/eval/pages-dev.jsonl.gz (plus, when present, the
 * ECB+ articles, many of them different outlets' write-ups of one story: hard negatives).
 * Copies made here from each original: exact, wrapped in another page's boilerplate lines, and
 * lightly edited (~3% of words replaced, a short closing paragraph dropped).
 * Prints recall per copy kind and the false-duplicate rate among distinct originals.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/eval-dedup.ts [--seeds=1,2,3]
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_DEDUP_PARAMETERS,
  InMemoryDedupIndex,
  compareSignatures,
  findDuplicate,
  fingerprintArticle,
  type DedupParameters,
  type UnassignedFingerprint,
} from '../libs/text-processing/src/dedup';
import { seededRandom } from './support/seeded-random';

export interface EvalPage {
  key: string;
  truth: string;
  dump: string;
}

export type CopyKind = 'exact' | 'boilerplate' | 'boilerplate-heavy' | 'edited';

export interface GeneratedCopy {
  originalKey: string;
  kind: CopyKind;
  text: string;
}

export function evalDirectory(): string {
  return process.env.NEWSFLOW_EVAL_DIR ?? resolve(__dirname, '..', '..', 'shared', 'eval');
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n|\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** Lines of a page dump that are not part of its article body: that outlet's boilerplate. */
export function boilerplateLines(page: EvalPage): string[] {
  const truth = page.truth;
  return paragraphs(page.dump).filter((line) => !truth.includes(line));
}

/** Boilerplate of another page around the article: about `share` of the article's word count, split between header and footer. */
export function wrapInBoilerplate(
  text: string,
  donor: string[],
  share: number,
  random: () => number,
): string {
  const budget = Math.max(1, Math.round(wordCount(text) * share));
  const start = Math.floor(random() * Math.max(1, donor.length));
  const picked: string[] = [];
  let words = 0;
  for (let offset = 0; offset < donor.length && words < budget; offset++) {
    const line = donor[(start + offset) % donor.length];
    picked.push(line);
    words += wordCount(line);
  }
  const headerSize = Math.ceil(picked.length / 2);
  return [...picked.slice(0, headerSize), text, ...picked.slice(headerSize)].join('\n\n');
}

/** A lightly edited re-post: ~`changeRate` of the words replaced, a short closing paragraph dropped. */
export function lightlyEdit(
  text: string,
  vocabulary: readonly string[],
  changeRate: number,
  random: () => number,
): string {
  let parts = paragraphs(text);
  const total = wordCount(text);
  if (parts.length >= 3 && wordCount(parts[parts.length - 1]) <= total * 0.25)
    parts = parts.slice(0, -1);
  return parts
    .map((paragraph) =>
      paragraph
        .split(' ')
        .map((word) =>
          random() < changeRate ? vocabulary[Math.floor(random() * vocabulary.length)] : word,
        )
        .join(' '),
    )
    .join('\n\n');
}

export function generateCopies(pages: readonly EvalPage[], seed: number): GeneratedCopy[] {
  const random = seededRandom(seed);
  const vocabulary = pages
    .flatMap((page) => page.truth.split(/\s+/))
    .filter((word) => /^\p{L}+$/u.test(word));
  const copies: GeneratedCopy[] = [];
  pages.forEach((page, index) => {
    const donor = boilerplateLines(
      pages[(index + 1 + Math.floor(random() * (pages.length - 1))) % pages.length],
    );
    copies.push({ originalKey: page.key, kind: 'exact', text: page.truth.replace(/\n/g, '\n\n') });
    copies.push({
      originalKey: page.key,
      kind: 'boilerplate',
      text: wrapInBoilerplate(page.truth, donor, 0.3, random),
    });
    copies.push({
      originalKey: page.key,
      kind: 'boilerplate-heavy',
      text: wrapInBoilerplate(page.truth, donor, 1, random),
    });
    copies.push({
      originalKey: page.key,
      kind: 'edited',
      text: lightlyEdit(page.truth, vocabulary, 0.03, random),
    });
  });
  return copies;
}

/** A distinct original; originals sharing a `group` (ECB+ articles of one event) may legitimately be wire copies of each other. */
export interface Original {
  key: string;
  group: string;
  text: string;
}

export interface DedupScores {
  recallByKind: Record<string, { caught: number; total: number }>;
  /** Originals called a duplicate of an original of another group. */
  falseDuplicates: number;
  originals: number;
  /** Originals called a duplicate of another original of the same group (syndicated wire copies in ECB+). */
  sameGroupDuplicates: number;
  /** Pairs of distinct originals whose fingerprints would be called duplicates (no LSH involved). */
  falseDuplicatePairs: number;
  pairs: number;
  /** Highest estimated Jaccard / containment between distinct originals (how close negatives come). */
  maxDistinctJaccard: number;
  maxDistinctContainment: number;
  /** Per copy kind, the lowest estimated Jaccard and containment to its original (how far positives drift). */
  minSimilarityByKind: Record<string, { jaccard: number; containment: number }>;
}

export async function evaluateDedup(
  originals: readonly Original[],
  copies: readonly GeneratedCopy[],
  parameters: DedupParameters,
  seed: number,
): Promise<DedupScores> {
  const random = seededRandom(seed);
  const order = originals
    .map((original) => ({ original, rank: random() }))
    .sort((a, b) => a.rank - b.rank);
  const index = new InMemoryDedupIndex();
  let falseDuplicates = 0;
  let sameGroupDuplicates = 0;
  const groupOf = new Map(originals.map((original) => [original.key, original.group]));
  const fingerprints: UnassignedFingerprint[] = [];
  const groups: string[] = [];
  for (const { original } of order) {
    const fingerprint = fingerprintArticle(
      { articleId: original.key, canonicalUrl: null, text: original.text },
      parameters,
    );
    fingerprints.push(fingerprint);
    groups.push(original.group);
    const match = await findDuplicate(fingerprint, index, parameters);
    if (match && groupOf.get(match.duplicateOf) === original.group) sameGroupDuplicates++;
    else if (match) falseDuplicates++;
    await index.add({
      ...fingerprint,
      duplicateOf: match?.duplicateOf ?? null,
      eventId: original.key,
    });
  }
  let falseDuplicatePairs = 0;
  let pairs = 0;
  let maxDistinctJaccard = 0;
  let maxDistinctContainment = 0;
  for (let first = 0; first < fingerprints.length; first++) {
    for (let second = first + 1; second < fingerprints.length; second++) {
      if (groups[first] === groups[second]) continue;
      pairs++;
      const evidence = compareSignatures(
        fingerprints[first],
        fingerprints[second],
        parameters.thresholds,
      );
      if (evidence.isDuplicate) falseDuplicatePairs++;
      maxDistinctJaccard = Math.max(maxDistinctJaccard, evidence.jaccard);
      maxDistinctContainment = Math.max(maxDistinctContainment, evidence.containment);
    }
  }
  const recallByKind: DedupScores['recallByKind'] = {};
  const minSimilarityByKind: DedupScores['minSimilarityByKind'] = {};
  const fingerprintByKey = new Map(
    fingerprints.map((fingerprint) => [fingerprint.articleId, fingerprint]),
  );
  let copyNumber = 0;
  for (const copy of copies) {
    const fingerprint = fingerprintArticle(
      { articleId: `copy-${copyNumber++}`, canonicalUrl: null, text: copy.text },
      parameters,
    );
    const match = await findDuplicate(fingerprint, index, parameters);
    const tally = (recallByKind[copy.kind] ??= { caught: 0, total: 0 });
    tally.total++;
    const original = fingerprintByKey.get(copy.originalKey);
    if (original) {
      const evidence = compareSignatures(fingerprint, original, parameters.thresholds);
      const lowest = (minSimilarityByKind[copy.kind] ??= { jaccard: 1, containment: 1 });
      lowest.jaccard = Math.min(lowest.jaccard, evidence.jaccard);
      lowest.containment = Math.min(lowest.containment, evidence.containment);
    }
    if (match?.duplicateOf === copy.originalKey) tally.caught++;
  }
  return {
    recallByKind,
    falseDuplicates,
    originals: originals.length,
    sameGroupDuplicates,
    falseDuplicatePairs,
    pairs,
    maxDistinctJaccard,
    maxDistinctContainment,
    minSimilarityByKind,
  };
}

function loadPages(directory: string): EvalPage[] {
  const raw = gunzipSync(readFileSync(resolve(directory, 'pages-dev.jsonl.gz'))).toString('utf8');
  return raw
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as EvalPage);
}

function loadEcbTexts(directory: string): Original[] {
  const path = resolve(directory, 'ecbplus-dev.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as { doc: string; event: string; text: string })
    .map((row) => ({ key: `ecb:${row.doc}`, group: `ecb:${row.event}`, text: row.text }));
}

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((value) => value.startsWith(prefix))?.slice(prefix.length);
}

function parametersFromArguments(): DedupParameters {
  const base = DEFAULT_DEDUP_PARAMETERS;
  const numberArgument = (name: string, fallback: number) => {
    const value = argument(name);
    return value === undefined ? fallback : Number(value);
  };
  return {
    ...base,
    shingling: {
      ...base.shingling,
      wordShingleSize: numberArgument('k', base.shingling.wordShingleSize),
    },
    minhash: {
      signatureSize: numberArgument('signature', base.minhash.signatureSize),
      bands: numberArgument('bands', base.minhash.bands),
    },
    thresholds: {
      ...base.thresholds,
      jaccard: numberArgument('jaccard', base.thresholds.jaccard),
      containment: numberArgument('containment', base.thresholds.containment),
    },
  };
}

async function main(): Promise<void> {
  const directory = evalDirectory();
  if (!existsSync(resolve(directory, 'pages-dev.jsonl.gz'))) {
    console.log(
      `eval:dedup skipped: ${directory}/pages-dev.jsonl.gz not found (evaluation data lives beside the repo).`,
    );
    return;
  }
  const pages = loadPages(directory);
  const ecb = loadEcbTexts(directory);
  const parameters = parametersFromArguments();
  const seeds = (argument('seeds') ?? '1,2,3').split(',').map(Number);
  console.log(
    `eval:dedup: ${pages.length} originals from pages-dev (+${ecb.length} ECB+ articles as hard negatives), seeds ${seeds.join(',')}`,
  );
  console.log(`parameters: ${JSON.stringify(parameters)}`);
  const originals = [
    ...pages.map((page) => ({ key: page.key, group: page.key, text: page.truth })),
    ...ecb,
  ];
  for (const seed of seeds) {
    const scores = await evaluateDedup(originals, generateCopies(pages, seed), parameters, seed);
    const recalls = Object.entries(scores.recallByKind)
      .map(
        ([kind, tally]) =>
          `${kind} ${((100 * tally.caught) / tally.total).toFixed(1)}% (${tally.caught}/${tally.total})`,
      )
      .join(', ');
    console.log(
      `seed ${seed}: recall ${recalls}; false duplicates ${scores.falseDuplicates}/${scores.originals} ` +
        `(${((100 * scores.falseDuplicates) / scores.originals).toFixed(2)}%), ` +
        `distinct pairs called duplicate ${scores.falseDuplicatePairs}/${scores.pairs}; ` +
        `ECB+ same-event wire copies caught ${scores.sameGroupDuplicates} (expected, not errors)`,
    );
    const margins = Object.entries(scores.minSimilarityByKind)
      .map(
        ([kind, lowest]) =>
          `${kind} J ${lowest.jaccard.toFixed(2)} C ${lowest.containment.toFixed(2)}`,
      )
      .join(', ');
    console.log(
      `  margins: lowest copy→original ${margins}; highest distinct pair J ${scores.maxDistinctJaccard.toFixed(2)} C ${scores.maxDistinctContainment.toFixed(2)}`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
