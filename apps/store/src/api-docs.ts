import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ingestApiPaths } from '@newsflow/contracts';

/** The store's API and ingest's, in one OpenAPI document (also written to docs/openapi.json). */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('newsflow')
    .setDescription(
      'Store (port 3002): the processed articles and events. Ingest (port 3000): where articles are posted.',
    )
    .setVersion('1')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Both services have /articles (store GET, ingest POST): merge per method, never replace.
  for (const [path, operations] of Object.entries(ingestApiPaths())) {
    document.paths[path] = { ...document.paths[path], ...operations };
  }
  return document;
}

/** GET /docs (UI) and /docs/json. */
export function setUpApiDocs(app: INestApplication): void {
  const document = buildApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}
