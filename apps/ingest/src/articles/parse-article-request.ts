import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { z } from 'zod';
import { type ArticleInput, articleInputSchema, rawBodyQuerySchema } from '@newsflow/contracts';
import { privateHostReason } from '../hardening/private-hosts';

export const MAX_BATCH_ARTICLES = 1000;

export interface FieldError {
  field: string;
  message: string;
}

export type BatchItem =
  { index: number; ok: true; article: ArticleInput } | { index: number; ok: false; error: string };

type MediaType = 'json' | 'ndjson' | 'text' | 'html';

export function mediaTypeOf(contentType: string | undefined): MediaType | null {
  const essence = (contentType ?? '').split(';')[0].trim().toLowerCase();
  switch (essence) {
    case 'application/json':
      return 'json';
    case 'application/x-ndjson':
    case 'application/ndjson':
      return 'ndjson';
    case 'text/plain':
      return 'text';
    case 'text/html':
      return 'html';
    default:
      return null;
  }
}

/** `POST /articles`: a JSON article, or a page dump / HTML page with its fields in the query. */
export function parseSingleArticle(
  contentType: string | undefined,
  body: string,
  query: Record<string, unknown>,
): ArticleInput {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === 'json') return publicUrlOnly(validated(articleInputSchema, parseJson(body)));
  if (mediaType === 'text' || mediaType === 'html') {
    const fields = validated(rawBodyQuerySchema, firstValues(query));
    const article = mediaType === 'text' ? { ...fields, text: body } : { ...fields, html: body };
    return publicUrlOnly(validated(articleInputSchema, article));
  }
  throw new UnsupportedMediaTypeException({
    error: `unsupported Content-Type "${contentType ?? ''}": use application/json, text/plain or text/html`,
  });
}

/** `POST /articles/batch`: a JSON array or NDJSON; each item stands or falls on its own. */
export function parseArticleBatch(contentType: string | undefined, body: string): BatchItem[] {
  const mediaType = mediaTypeOf(contentType);
  let items: unknown[];
  if (mediaType === 'json') {
    const parsed = parseJson(body);
    if (!Array.isArray(parsed))
      throw new BadRequestException({ error: 'the body must be a JSON array of articles' });
    items = parsed;
  } else if (mediaType === 'ndjson') {
    items = body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map((line) => parseNdjsonLine(line));
  } else {
    throw new UnsupportedMediaTypeException({
      error: `unsupported Content-Type "${contentType ?? ''}": use application/json or application/x-ndjson`,
    });
  }
  if (items.length === 0) throw new BadRequestException({ error: 'the batch holds no article' });
  if (items.length > MAX_BATCH_ARTICLES) {
    throw new BadRequestException({
      error: `a batch holds at most ${MAX_BATCH_ARTICLES} articles`,
    });
  }
  return items.map((item, index): BatchItem => {
    if (item instanceof NdjsonLineError) return { index, ok: false, error: item.message };
    const result = articleInputSchema.safeParse(item);
    const privateUrl =
      result.success && result.data.url ? privateHostReason(result.data.url) : null;
    if (privateUrl) return { index, ok: false, error: `url: ${privateUrl}` };
    return result.success
      ? { index, ok: true, article: result.data }
      : {
          index,
          ok: false,
          error: fieldErrors(result.error)
            .map((e) => `${e.field}: ${e.message}`)
            .join('; '),
        };
  });
}

class NdjsonLineError {
  constructor(readonly message: string) {}
}

function parseNdjsonLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return new NdjsonLineError('this line is not valid JSON');
  }
}

function parseJson(body: string): unknown {
  if (body.trim().length === 0) throw new BadRequestException({ error: 'the body is empty' });
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'too deeply nested';
    throw new BadRequestException({ error: `the body is not valid JSON: ${detail}` });
  }
}

/** Links into private networks are refused: no public article lives there (docs/reliability.md). */
function publicUrlOnly(article: ArticleInput): ArticleInput {
  const reason = article.url ? privateHostReason(article.url) : null;
  if (reason) {
    throw new BadRequestException({
      error: 'invalid article',
      fields: [{ field: 'url', message: reason }],
    });
  }
  return article;
}

function validated<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestException({ error: 'invalid article', fields: fieldErrors(result.error) });
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/** `?url=a&url=b` arrives as an array; the first value counts. */
function firstValues(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).map(([key, value]) => [
      key,
      Array.isArray(value) ? (value[0] as unknown) : value,
    ]),
  );
}
