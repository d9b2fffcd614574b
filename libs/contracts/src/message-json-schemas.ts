import { z } from 'zod';
import { messageContracts, type MessageName } from './registry';

/** Where a message travels, for consumers that bind queues without this codebase. */
export interface AmqpRouting {
  exchange: string;
  exchangeType: 'topic';
  routingKey: string;
  /** The AMQP `type` property: the message's versioned name. */
  type: MessageName;
  contentType: 'application/json';
  deliveryMode: 'persistent';
}

export type MessageJsonSchema = Record<string, unknown> & {
  title: MessageName;
  'x-amqp': AmqpRouting;
};

/**
 * Zod refinements have no JSON Schema form, so a rule a refinement enforces is restated here for
 * consumers validating with a JSON Schema library.
 */
const constraintsZodCannotExport: Partial<Record<MessageName, Record<string, unknown>>> = {
  'article.received.v1': {
    anyOf: [
      { properties: { text: { type: 'string' } } },
      { properties: { html: { type: 'string' } } },
    ],
  },
};

/** The JSON Schema (draft 2020-12) of one message body, with its AMQP routing as `x-amqp`. */
export function messageJsonSchema(name: MessageName): MessageJsonSchema {
  const contract = messageContracts[name];
  // The input view leaves out `additionalProperties: false`: a consumer should accept fields
  // added later within the same version rather than reject every message that carries them.
  const generated = z.toJSONSchema(contract.schema, { target: 'draft-2020-12', io: 'input' });
  const { $schema, ...body } = generated;
  return {
    $schema,
    ...body,
    title: name,
    ...constraintsZodCannotExport[name],
    'x-amqp': {
      exchange: contract.exchange,
      exchangeType: 'topic',
      routingKey: contract.routingKey,
      type: name,
      contentType: 'application/json',
      deliveryMode: 'persistent',
    },
  };
}

/** Every message schema by the file it is committed as: `docs/messages/<name>.schema.json`. */
export function messageSchemaFiles(): Array<{ fileName: string; schema: MessageJsonSchema }> {
  return (Object.keys(messageContracts) as MessageName[]).map((name) => ({
    fileName: `${name}.schema.json`,
    schema: messageJsonSchema(name),
  }));
}
