import { z } from 'zod';
import { articleInputSchema } from './article-input.schema';

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as Record<
    string,
    unknown
  >;

const error = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' } },
};
const errors = {
  '400': {
    description: 'Invalid body: `fields` names each bad field',
    content: { 'application/json': { schema: error } },
  },
  '401': {
    description: 'INGEST_API_KEYS is set and no valid `Authorization: Bearer KEY` was sent',
  },
  '413': { description: 'Over the size limit (INGEST_MAX_BODY_BYTES / INGEST_MAX_BATCH_BYTES)' },
  '415': { description: 'Unsupported Content-Type' },
  '503': { description: 'The broker cannot take it now; see Retry-After, retry with the same id' },
};

/**
 * The ingest service's HTTP API as OpenAPI paths, built from the same zod schema ingest validates
 * with; the store serves it at /docs beside its own.
 */
export function ingestApiPaths(
  ingestServerUrl = 'http://localhost:3000',
): Record<string, Record<string, unknown>> {
  const servers = [{ url: ingestServerUrl, description: 'ingest' }];
  const article = jsonSchema(articleInputSchema);
  return {
    '/articles': {
      post: {
        tags: ['ingest (port 3000)'],
        servers,
        summary: 'Submit one article',
        description:
          'JSON body, or the page itself as text/plain or text/html with `url`, `source`, `id` as query ' +
          'parameters. Answers 202 only once RabbitMQ confirmed the message. Reposting the same `id` is idempotent.',
        parameters: ['id', 'url', 'source'].map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: { type: 'string' },
        })),
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: article },
            'text/plain': { schema: { type: 'string' } },
            'text/html': { schema: { type: 'string' } },
          },
        },
        responses: {
          '202': {
            description: 'Accepted: the broker holds it',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    id: { type: 'string', format: 'uuid' },
                    status: { type: 'string', enum: ['accepted'] },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    '/articles/batch': {
      post: {
        tags: ['ingest (port 3000)'],
        servers,
        summary: 'Submit up to 1,000 articles as a JSON array or NDJSON',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'array', maxItems: 1000, items: article } },
            'application/x-ndjson': {
              schema: { type: 'string', description: 'one JSON article per line' },
            },
          },
        },
        responses: {
          '202': {
            description: 'Each item accepted or rejected on its own',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    accepted: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { index: { type: 'integer' }, id: { type: 'string' } },
                      },
                    },
                    rejected: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { index: { type: 'integer' }, error: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
  };
}
