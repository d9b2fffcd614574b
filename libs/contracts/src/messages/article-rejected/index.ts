export * from './article-rejected.v1';
