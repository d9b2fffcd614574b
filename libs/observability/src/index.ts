export * from './logging';
export * from './health';
export * from './metrics';
export * from './bootstrap';
