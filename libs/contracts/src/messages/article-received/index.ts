export * from './article-received.v1';
