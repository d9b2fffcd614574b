import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { checkDependenciesOrExit } from './support/preflight';
import { SERVICE_NODE_ARGS } from './support/service-node-args';

/**
 * `npm start`: checks that RabbitMQ and Postgres answer, then runs ingest, normalizer and store
 * side by side from the build, restarts one that dies, and on Ctrl-C / SIGTERM stops all three
 * gracefully. Replicas: run `npm run start:<name>` again with other ports (see README).
 */
const services = ['ingest', 'normalizer', 'store'] as const;
const running = new Map<string, ChildProcess>();
let stopping = false;

function start(service: (typeof services)[number]): void {
  const entry = join(__dirname, '..', 'apps', service, 'src', 'main.js');
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS[service], entry], {
    stdio: 'inherit',
    env: process.env,
  });
  running.set(service, child);
  child.on('exit', (code, signal) => {
    running.delete(service);
    if (stopping) {
      if (running.size === 0) process.exit(0);
      return;
    }
    process.stderr.write(`${service} exited (${signal ?? code}); restarting in 1 s\n`);
    setTimeout(() => start(service), 1_000);
  });
}

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  if (running.size === 0) process.exit(0);
  for (const child of running.values()) child.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
}

// Checked again here for `node dist/scripts/start-all.js` run without `npm start`'s prestart.
void checkDependenciesOrExit().then(() => {
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const service of services) start(service);
});
