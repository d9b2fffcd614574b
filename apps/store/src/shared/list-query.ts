import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import type { Page } from '../views/api-views';

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
const instant = z
  .string()
  .max(64)
  .transform((value, context) => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
      context.addIssue({ code: 'custom', message: 'must be an ISO-8601 date or date-time' });
      return z.NEVER;
    }
    return date;
  });

/** `?source=&since=&until=&q=&limit=&cursor=` of both feeds (docs/contract.md). */
export const listQuerySchema = z.strictObject({
  source: text(512).optional(),
  since: instant.optional(),
  until: instant.optional(),
  q: text(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: text(512).optional(),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

/** The OpenAPI description of both lists' paging (docs/contract.md). */
export const LIST_DESCRIPTION =
  'Answers { items, nextCursor }: pass nextCursor as ?cursor= for the next page, until it is null. ' +
  'A search with a phrase ("a b", or a hyphenated word) tests at most 200 candidate articles ' +
  '(50 candidate events) per page, newest first: its page may hold fewer items than limit, or ' +
  'none, and still carry a nextCursor.';

export interface FeedPosition {
  sortAt: Date;
  id: string;
}

export type { Page };

export function parseListQuery(
  query: Record<string, unknown>,
): ListQuery & { after: FeedPosition | null } {
  const single = Object.fromEntries(
    Object.entries(query).map(([key, value]) => [
      key,
      Array.isArray(value) ? (value[0] as unknown) : value,
    ]),
  );
  const result = listQuerySchema.safeParse(single);
  if (!result.success) {
    throw new BadRequestException({
      error: 'invalid query',
      fields: result.error.issues.map((issue) => ({
        field: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }
  const after = result.data.cursor === undefined ? null : decodeCursor(result.data.cursor);
  return { ...result.data, after };
}

const uuid = z.uuid();

/** Opaque to clients: the position of the last item of a page, in the feed's order. */
export function encodeCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify([position.sortAt.toISOString(), position.id])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): FeedPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[0] === 'string') {
      const sortAt = new Date(decoded[0]);
      const id = uuid.safeParse(decoded[1]);
      if (!Number.isNaN(sortAt.getTime()) && id.success) return { sortAt, id: id.data };
    }
  } catch {
    /* fall through to the 400 */
  }
  throw new BadRequestException({
    error: 'invalid query',
    fields: [{ field: 'cursor', message: 'not a cursor this API returned' }],
  });
}

export function pageOf<T>(rows: T[], limit: number, positionOf: (row: T) => FeedPosition): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}
