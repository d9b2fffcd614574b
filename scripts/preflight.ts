import { checkDependenciesOrExit } from './support/preflight';

/** `npm start`'s prestart: checks RabbitMQ and Postgres before spending time on the build. */
void checkDependenciesOrExit();
