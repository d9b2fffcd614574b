import { parseArgs } from 'node:util';
import { connect } from 'amqplib';
import {
  PARKING_QUEUES,
  type ParkedMessage,
  isParkingConsumer,
  listParkedMessages,
  purgeParkedMessages,
  replayParkedMessages,
} from '@newsflow/messaging';

const usage = `usage: npm run dlq -- <list|replay|purge> [--queue normalizer|store] [--limit N] [--id MESSAGE_ID] [--json]

  list     print parked messages, leaving them parked
  replay   republish parked messages (or only --id) to their original exchange and routing key
  purge    delete every parked message of the queue

  --queue  whose parking queue: normalizer (default) or store
  AMQP_URL selects the broker (default amqp://guest:guest@127.0.0.1:5672)`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      queue: { type: 'string', default: 'normalizer' },
      limit: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined) return fail(usage, values.help ? 0 : 2);
  if (!isParkingConsumer(values.queue)) return fail(`unknown --queue "${values.queue}"\n${usage}`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    return fail('--limit must be a positive integer');
  }
  const queue = PARKING_QUEUES[values.queue];

  const model = await connect(process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672');
  try {
    switch (command) {
      case 'list': {
        const parked = await listParkedMessages(model, queue, limit);
        if (values.json) print(JSON.stringify(parked, null, 2));
        else {
          parked.forEach((message) => print(formatParked(message)));
          print(`${parked.length} parked message(s) in ${queue}`);
        }
        return 0;
      }
      case 'replay': {
        const report = await replayParkedMessages(model, queue, { limit, messageId: values.id });
        if (values.json) print(JSON.stringify(report, null, 2));
        else {
          for (const message of report.replayed) {
            print(`replayed ${message.messageId} (${message.type}) to ${routeOf(message)}`);
          }
          for (const { message, problem } of report.skipped) {
            print(`kept ${message.messageId} (${message.type}): ${problem}`);
          }
          print(`${report.replayed.length} replayed, ${report.skipped.length} kept in ${queue}`);
        }
        if (values.id !== undefined && report.replayed.length === 0) {
          return fail(`no replayable message with id ${values.id} in ${queue}`);
        }
        return report.skipped.length > 0 ? 1 : 0;
      }
      case 'purge': {
        const purged = await purgeParkedMessages(model, queue);
        print(
          values.json ? JSON.stringify({ purged }) : `purged ${purged} message(s) from ${queue}`,
        );
        return 0;
      }
      default:
        return fail(`unknown command "${command}"\n${usage}`);
    }
  } finally {
    await model.close().catch(() => undefined);
  }
}

function formatParked(message: ParkedMessage): string {
  return [
    `${message.messageId}  ${message.type}  parked at ${message.parkedAt || '?'}`,
    `  from:   ${routeOf(message)}`,
    `  reason: ${message.reason}`,
    `  correlation ${message.correlationId || '-'}, ${message.attempts} retries, ${message.bodyBytes} bytes`,
  ].join('\n');
}

function routeOf(message: ParkedMessage): string {
  return `${message.originalExchange ?? '?'} / ${message.originalRoutingKey ?? '?'}`;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string, code = 2): number {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
