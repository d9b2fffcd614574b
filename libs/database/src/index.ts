export * from './entities/article.entity';
export * from './entities/event.entity';
export * from './entities/article-assignment.entity';
export * from './data-source-options';
export * from './bootstrap-database';
export * from './database.module';
export * from './entities/normalizer-state.entities';
