import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig, storeEnvSchema } from '@newsflow/config';
import { createLogger } from '@newsflow/observability';
import { buildApiDocument } from '../../apps/store/src/api-docs';
import { StoreModule } from '../../apps/store/src/store.module';

/**
 * The document the store serves at /docs/json, built without a broker or database: Nest's preview
 * mode resolves the module graph and the controllers' metadata but instantiates no provider.
 */
export async function apiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(storeEnvSchema, {});
  const app = await NestFactory.create(
    StoreModule.forRoot(config, createLogger('store', 'silent')),
    { preview: true, logger: false },
  );
  try {
    return buildApiDocument(app);
  } finally {
    await app.close();
  }
}
