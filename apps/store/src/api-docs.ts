import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ingestApiPaths } from '@newsflow/contracts';

/** GET /docs (UI) and /docs/json: the store's API and ingest's, in one OpenAPI document. */
export function setUpApiDocs(app: INestApplication): void {
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}
