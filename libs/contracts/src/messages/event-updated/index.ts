export * from './event-updated.v1';
