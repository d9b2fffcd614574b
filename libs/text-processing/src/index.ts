export * from './cleaning';
export * from './dedup';
export * from './clustering';
