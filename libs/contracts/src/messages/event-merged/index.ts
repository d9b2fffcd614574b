export * from './event-merged.v1';
