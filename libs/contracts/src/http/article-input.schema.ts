import { z } from 'zod';

const plainString = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** Only web pages: `javascript:`, `data:` and the like are refused, not stored for a reader to click. */
const webUrl = plainString(8192).refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

/** One article as a client may post it (docs/contract.md): everything optional but its text or HTML. */
export const articleInputSchema = z
  .object({
    id: z.uuid().optional(),
    url: webUrl.optional(),
    source: plainString(512).optional(),
    title: plainString(2048).optional(),
    author: plainString(1024).optional(),
    publishedAt: plainString(256).optional(),
    language: plainString(16).optional(),
    text: plainString(Number.MAX_SAFE_INTEGER).optional(),
    html: plainString(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((article) => hasContent(article.text) || hasContent(article.html), {
    message: 'text or html is required (a non-empty string)',
    path: ['text'],
  });

export type ArticleInput = z.infer<typeof articleInputSchema>;

/** Query parameters that come with a text/plain or text/html body. */
export const rawBodyQuerySchema = z.object({
  id: z.uuid().optional(),
  url: webUrl.optional(),
  source: plainString(512).optional(),
});

function hasContent(value: string | undefined): boolean {
  return value !== undefined && value.trim().length > 0;
}
