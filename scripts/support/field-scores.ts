/**
 * Field scoring on the modern page set (../shared/eval/pages-modern-dev.jsonl.gz), as its README
 * says: title exact after folding whitespace, quotes and case; author right when one contains the
 * other after folding (also the list separators: "A, B and C" is "A, B, C"); `publishedAt` right when its UTC date is within one day of the truth's.
 * Each field is scored on the pages whose truth has it, per form (HTML, dump). Dumps are scored on
 * the pages whose dump holds the article (raw dump recall of the truth's shingles ≥ 0.90).
 *
 * The field rules choose between candidates with a few parameters (`FieldParams`); those are picked
 * by k-fold cross-validation over pages (one page per site, so the folds are site-grouped): each
 * fold is scored with the parameters that did best on the other folds, and that held-out figure is
 * printed next to the whole-set figure of the default parameters.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/support/field-scores.ts [--show title,author,date] [--form html|dump]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_FIELD_PARAMS,
  cleanArticle,
  type FieldParams,
} from '../../libs/text-processing/src/cleaning';
import type { DumpTitleModel } from '../../libs/text-processing/src/cleaning/dump-title';
import { readEvalPages } from '../eval-titles';
import { evalRawArticle } from './eval-raw-article';
import { devTitleExample, modernTitleExample, trainDumpTitleModel } from './title-training';

export interface ModernPage {
  key: string;
  url: string;
  html: string;
  dump: string;
  truth: string;
  title: string;
  author: string | null;
  publishedAt: string | null;
}

export type Form = 'html' | 'dump';
export type Field = 'title' | 'author' | 'date';
const FIELDS: readonly Field[] = ['title', 'author', 'date'];

/** After every page of the set (collected 2025–26), so no true date reads as in the future. */
const RECEIVED_AT = '2026-06-01T00:00:00.000Z';
const DAY_MS = 24 * 3600 * 1000;
const FOLDS = 5;
const MIN_DUMP_RECALL = 0.9;
const TOKEN = /[\p{L}\p{N}\p{M}_]+/gu;

export function modernPagesFile(): string {
  return join(__dirname, '..', '..', '..', 'shared', 'eval', 'pages-modern-dev.jsonl.gz');
}

/** `--skip KEY,KEY` on the command line leaves those pages out (to look past one that stalls). */
function skippedKeys(): ReadonlySet<string> {
  const flag = process.argv.indexOf('--skip');
  return new Set(flag >= 0 ? (process.argv[flag + 1] ?? '').split(',') : []);
}

export function readModernPages(): ModernPage[] | null {
  const file = modernPagesFile();
  if (!existsSync(file)) return null;
  const skipped = skippedKeys();
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as ModernPage)
    .filter((page) => !skipped.has(page.key));
}

/** Case, whitespace and quote marks folded away: the README's comparison form. */
export function foldField(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’‚‛′`´]/g, "'")
    .replace(/[“”„‟″«»]/g, '"')
    .replace(/["']/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function titleMatches(predicted: string | null, truth: string): boolean {
  return predicted !== null && foldField(predicted) === foldField(truth);
}

/** A list of names folded too: "A, B and C", "A; B & C" and "A, B, C" are one list. */
function foldAuthors(text: string): string {
  return foldField(text)
    .replace(/\s*(?:;|&|,?\s\band\b)\s*/g, ', ')
    .replace(/\s*,\s*/g, ', ');
}

export function authorMatches(predicted: string | null, truth: string): boolean {
  if (predicted === null) return false;
  const a = foldAuthors(predicted);
  const b = foldAuthors(truth);
  return a.length > 0 && b.length > 0 && (a.includes(b) || b.includes(a));
}

export function dateMatches(predicted: string | null, truth: string): boolean {
  if (predicted === null) return false;
  const day = Date.parse(`${predicted.slice(0, 10)}T00:00:00Z`);
  const truthDay = Date.parse(`${truth.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(day) && Number.isFinite(truthDay) && Math.abs(day - truthDay) <= DAY_MS;
}

function shingleSet(text: string): Set<string> {
  const tokens = text.match(TOKEN) ?? [];
  const set = new Set<string>();
  for (let index = 0; index + 4 <= tokens.length; index += 1) {
    set.add(tokens.slice(index, index + 4).join(' '));
  }
  return set;
}

/** The dump holds the article: 90% of the truth's shingles are in it. */
export function dumpHoldsArticle(page: ModernPage): boolean {
  const truth = shingleSet(page.truth);
  if (truth.size === 0) return false;
  const dump = shingleSet(page.dump);
  let found = 0;
  for (const shingle of truth) if (dump.has(shingle)) found += 1;
  return found / truth.size >= MIN_DUMP_RECALL;
}

interface Extracted {
  title: string | null;
  author: string | null;
  publishedAt: string | null;
}

function extract(page: ModernPage, form: Form, params: FieldParams): Extracted {
  const raw = evalRawArticle({
    url: page.url,
    receivedAt: RECEIVED_AT,
    ...(form === 'html' ? { html: page.html } : { text: page.dump }),
  });
  const outcome = cleanArticle(raw, undefined, { fieldParams: params });
  if (outcome.kind !== 'article') return { title: null, author: null, publishedAt: null };
  const { title, author, publishedAt } = outcome.article;
  return { title, author, publishedAt };
}

/** Per page, per field: null when the truth lacks the field, else whether the value is right. */
type Verdicts = Record<Field, boolean | null>;

function verdicts(page: ModernPage, value: Extracted): Verdicts {
  return {
    title: titleMatches(value.title, page.title),
    author: page.author === null ? null : authorMatches(value.author, page.author),
    date: page.publishedAt === null ? null : dateMatches(value.publishedAt, page.publishedAt),
  };
}

function share(items: ReadonlyArray<Verdicts>, field: Field): { right: number; of: number } {
  let right = 0;
  let of = 0;
  for (const item of items) {
    const verdict = item[field];
    if (verdict === null) continue;
    of += 1;
    if (verdict) right += 1;
  }
  return { right, of };
}

/** Every combination of the given values, each over the defaults. */
function combinations(
  values: Partial<Record<keyof FieldParams, readonly unknown[]>>,
): FieldParams[] {
  let grid: FieldParams[] = [{ ...DEFAULT_FIELD_PARAMS }];
  for (const [key, options] of Object.entries(values)) {
    grid = grid.flatMap((params) => (options ?? []).map((value) => ({ ...params, [key]: value })));
  }
  return grid;
}

/**
 * The parameter sets cross-validation chooses from, per form (the HTML rules' parameters for
 * HTML, the dump rules' for dumps).
 */
export function parameterGrid(form: Form): FieldParams[] {
  return form === 'html'
    ? combinations({
        h1Agreement: [0.4, 0.5, 0.6, 0.7],
        titleSlugMargin: [0, 0.2, 1],
        modifiedDateFallback: [true, false],
        visibleDateFirst: [true, false],
      })
    : combinations({ dumpHeadlineMaxWords: [25, 40], dumpFirstLineMargin: [0, 1, 2, 3, 5] });
}

export interface FieldScore {
  form: Form;
  field: Field;
  pages: number;
  whole: number;
  heldOut: number;
}

/** Per fold, the dump headline ranker trained on the other folds' pages and the older set's dumps. */
function foldTitleModels(
  scored: readonly ModernPage[],
  fold: (index: number) => number,
): DumpTitleModel[] {
  const modern = scored.map((page) => modernTitleExample(page));
  const older = (readEvalPages() ?? []).flatMap((page) => devTitleExample(page) ?? []);
  return Array.from({ length: FOLDS }, (_, k) =>
    trainDumpTitleModel([
      ...modern.flatMap((example, index) =>
        example !== null && fold(index) !== k ? [example] : [],
      ),
      ...older,
    ]),
  );
}

/** The option with the best sum of the three fields' rates over the rows `use` keeps. */
function bestOption(table: readonly Verdicts[][], use: (index: number) => boolean): number {
  let best = 0;
  let bestScore = -1;
  table.forEach((rows, option) => {
    const training = rows.filter((_, index) => use(index));
    const total = FIELDS.reduce((sum, field) => {
      const { right, of } = share(training, field);
      return sum + (of > 0 ? right / of : 0);
    }, 0);
    if (total > bestScore + 1e-9) {
      bestScore = total;
      best = option;
    }
  });
  return best;
}

/** The parameters that differ from the defaults, as "name=value" ("defaults" when none). */
function describe(params: FieldParams): string {
  const changed = (Object.keys(params) as Array<keyof FieldParams>).flatMap((key) => {
    const value = params[key];
    // The dump headline ranker's weights are learned per fold, not chosen from the grid.
    if (typeof value === 'object' || value === DEFAULT_FIELD_PARAMS[key]) return [];
    return [`${key}=${String(value)}`];
  });
  return changed.length > 0 ? changed.join(',') : 'defaults';
}

export interface FormScores {
  scores: FieldScore[];
  /** Per fold, the parameters chosen on the other folds. */
  foldChoices: string[];
  /** The parameters the whole set chooses (what the defaults should be). */
  wholeChoice: string;
}

/**
 * Whole-set score of the default parameters and the k-fold held-out score (each fold scored with
 * the parameters the other folds chose by their sum over the three fields), per field.
 */
export function scoreFields(pages: readonly ModernPage[], form: Form): FormScores {
  const scored = form === 'dump' ? pages.filter(dumpHoldsArticle) : [...pages];
  const crossValidate = !process.argv.includes('--no-cv');
  const grid = [DEFAULT_FIELD_PARAMS, ...(crossValidate ? parameterGrid(form) : [])];
  const fold = (index: number): number => index % FOLDS;
  // Dumps: the headline ranker of each fold is trained on the other folds (and the older set).
  const rankers = form === 'dump' && crossValidate ? foldTitleModels(scored, fold) : null;
  const table: Verdicts[][] = grid.map((params) =>
    scored.map((page, index) =>
      verdicts(
        page,
        extract(
          page,
          form,
          rankers !== null && params !== DEFAULT_FIELD_PARAMS
            ? { ...params, dumpTitleModel: rankers[fold(index)] }
            : params,
        ),
      ),
    ),
  );
  const heldOut: Verdicts[] = [];
  const foldChoices: string[] = [];
  // Held out: the grid's options only (the defaults carry the ranker trained on every page).
  const options = crossValidate ? table.slice(1) : table;
  for (let k = 0; k < FOLDS; k += 1) {
    const best = bestOption(options, (index) => fold(index) !== k);
    foldChoices.push(describe(grid[crossValidate ? best + 1 : best]));
    options[best].forEach((row, index) => {
      if (fold(index) === k) heldOut.push(row);
    });
  }
  const scores = FIELDS.map((field) => {
    const whole = share(table[0], field);
    const held = share(heldOut, field);
    return {
      form,
      field,
      pages: whole.of,
      whole: whole.right / Math.max(1, whole.of),
      heldOut: held.right / Math.max(1, held.of),
    };
  });
  return { scores, foldChoices, wholeChoice: describe(grid[bestOption(table, () => true)]) };
}

export function formatFieldScores(scores: readonly FieldScore[]): string {
  return scores
    .map(
      (score) =>
        `fields ${score.form.padEnd(4)} ${score.field.padEnd(6)} pages=${score.pages} whole=${score.whole.toFixed(3)} held_out=${score.heldOut.toFixed(3)}`,
    )
    .join('\n');
}

/** Prints the field scores of both forms, or says why not. */
export function printFieldScores(forms: readonly Form[] = ['html', 'dump']): void {
  const pages = readModernPages();
  if (pages === null) {
    console.log(`fields: ${modernPagesFile()} not found, skipped`);
    return;
  }
  for (const form of forms) {
    const { scores, foldChoices, wholeChoice } = scoreFields(pages, form);
    console.log(formatFieldScores(scores));
    console.log(
      `fields ${form} parameters: whole set ${wholeChoice}; folds ${foldChoices.join(' | ')}`,
    );
  }
}

/** The misses of one field with the default parameters, for reading. */
function showMisses(pages: readonly ModernPage[], form: Form, fields: ReadonlySet<string>): void {
  const scored = form === 'dump' ? pages.filter(dumpHoldsArticle) : pages;
  for (const page of scored) {
    const value = extract(page, form, DEFAULT_FIELD_PARAMS);
    const verdict = verdicts(page, value);
    const host = new URL(page.url).hostname;
    if (fields.has('title') && verdict.title === false) {
      console.log(
        `  title  ${host} ${JSON.stringify(value.title)} ≠ ${JSON.stringify(page.title)}`,
      );
    }
    if (fields.has('author') && verdict.author === false) {
      console.log(
        `  author ${host} ${JSON.stringify(value.author)} ≠ ${JSON.stringify(page.author)}`,
      );
    }
    if (fields.has('date') && verdict.date === false) {
      console.log(`  date   ${host} ${JSON.stringify(value.publishedAt)} ≠ ${page.publishedAt}`);
    }
  }
}

if (require.main === module) {
  const showFlag = process.argv.indexOf('--show');
  const formFlag = process.argv.indexOf('--form');
  const pages = readModernPages();
  if (pages === null) {
    console.log(`fields: ${modernPagesFile()} not found, skipped`);
  } else if (showFlag >= 0) {
    const fields = new Set((process.argv[showFlag + 1] ?? '').split(','));
    const forms: Form[] = formFlag >= 0 ? [process.argv[formFlag + 1] as Form] : ['html', 'dump'];
    for (const form of forms) {
      console.log(`${form}:`);
      showMisses(pages, form, fields);
    }
  } else {
    printFieldScores(formFlag >= 0 ? [process.argv[formFlag + 1] as Form] : undefined);
  }
}
