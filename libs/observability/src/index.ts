export * from './logging';
export * from './health';
export * from './metrics';
export * from './bootstrap';
export * from './tracing';
export * from './newsflow-metrics';
export * from './postgres-pool-metrics';
export * from './http-observability';
