export * from './event-created.v1';
