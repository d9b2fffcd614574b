export * from './errors';
export * from './amqp-connection';
export * from './amqp-publisher';
export * from './amqp.context';
export * from './amqp.server';
export * from './topology';
export * from './messaging.module';
export * from './keep-error.filter';
