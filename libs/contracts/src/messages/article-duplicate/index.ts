export * from './article-duplicate.v1';
