export * from './article-moved.v1';
