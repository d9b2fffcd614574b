import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { stableArticleId } from './stable-id';

export const SUPPORTED_EXTENSIONS = ['.txt', '.html', '.htm', '.json', '.ndjson', '.jsonl'];

/** One article to send, and where it came from (for the summary). */
export interface ImportItem {
  ref: string;
  id: string;
  body: unknown;
}

/** Input that never reached ingest because it could not be read as articles. */
export interface UnreadableInput {
  ref: string;
  reason: string;
}

export interface CollectedInput {
  items: ImportItem[];
  unreadable: UnreadableInput[];
  files: number;
}

export interface CollectOptions {
  /** Applied to articles that do not name their own source. */
  source?: string;
}

/** Every supported file under the given paths (folders recursively), in a stable order. */
export async function findFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute);
    if (info.isDirectory()) {
      const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        const full = join(entry.parentPath, entry.name);
        if (entry.isFile() && SUPPORTED_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
          found.push(full);
        }
      }
    } else {
      found.push(absolute);
    }
  }
  return [...new Set(found)].sort();
}

export async function collectFiles(
  files: readonly string[],
  options: CollectOptions,
): Promise<CollectedInput> {
  const collected: CollectedInput = { items: [], unreadable: [], files: files.length };
  for (const file of files) {
    const content = await readFile(file, 'utf8');
    addContent(collected, file, formatOfFile(file), content, options);
  }
  return collected;
}

/** stdin has no name: JSON, NDJSON, HTML or text is told from the content. */
export function collectStdin(content: string, options: CollectOptions): CollectedInput {
  const collected: CollectedInput = { items: [], unreadable: [], files: 0 };
  addContent(collected, 'stdin', formatOfContent(content), content, options);
  return collected;
}

type InputFormat = 'text' | 'html' | 'json' | 'ndjson';

function formatOfFile(file: string): InputFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.html' || extension === '.htm') return 'html';
  if (extension === '.json') return 'json';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  return 'text';
}

function formatOfContent(content: string): InputFormat {
  const start = content.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) {
    try {
      JSON.parse(content);
      return 'json';
    } catch {
      return 'ndjson';
    }
  }
  return start.startsWith('<') ? 'html' : 'text';
}

function addContent(
  collected: CollectedInput,
  origin: string,
  format: InputFormat,
  content: string,
  options: CollectOptions,
): void {
  const source = options.source !== undefined ? { source: options.source } : {};
  if (format === 'text' || format === 'html') {
    const field = format === 'text' ? 'text' : 'html';
    const id = stableArticleId(origin, 0, content);
    collected.items.push({ ref: origin, id, body: { id, ...source, [field]: content } });
    return;
  }
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      collected.unreadable.push({ ref: origin, reason: `not valid JSON: ${messageOf(error)}` });
      return;
    }
    const records = Array.isArray(parsed) ? parsed : [parsed];
    records.forEach((record: unknown, index) => {
      const ref = Array.isArray(parsed) ? `${origin}[${index}]` : origin;
      collected.items.push(itemOf(ref, origin, index, record, source));
    });
    return;
  }
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim().length === 0) return;
    const ref = `${origin}:${index + 1}`;
    try {
      collected.items.push(itemOf(ref, origin, index, JSON.parse(line), source));
    } catch (error) {
      collected.unreadable.push({ ref, reason: `not valid JSON: ${messageOf(error)}` });
    }
  });
}

/** A record keeps the client's own id; one without gets the stable id of its origin and content. */
function itemOf(
  ref: string,
  origin: string,
  position: number,
  record: unknown,
  source: { source?: string },
): ImportItem {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    // Ingest answers why this is not an article; it still needs an id to be counted.
    return { ref, id: stableArticleId(origin, position, JSON.stringify(record)), body: record };
  }
  const fields = record as Record<string, unknown>;
  const id =
    typeof fields.id === 'string' && fields.id.length > 0
      ? fields.id
      : stableArticleId(origin, position, JSON.stringify(record));
  return { ref, id, body: { ...source, ...fields, id } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
