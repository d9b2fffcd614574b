export * from './features';
export * from './vectors';
export * from './ports';
export * from './clustering';
export * from './classify-article';
export * from './in-memory-event-repository';
export * from './bcubed';
