export * from './normalize';
export * from './minhash';
export * from './ports';
export * from './dedup';
export * from './in-memory-dedup-index';
