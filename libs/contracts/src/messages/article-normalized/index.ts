export * from './article-normalized.v1';
