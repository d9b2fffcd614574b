import { z } from 'zod';
import { articleDuplicateV1 } from './messages/article-duplicate';
import { articleMovedV1 } from './messages/article-moved';
import { articleNormalizedV1 } from './messages/article-normalized';
import { articleReceivedV1 } from './messages/article-received';
import { articleRejectedV1 } from './messages/article-rejected';
import { eventCreatedV1 } from './messages/event-created';
import { eventMergedV1 } from './messages/event-merged';
import { eventUpdatedV1 } from './messages/event-updated';

/** Every message newsflow sends, by its versioned name: the one place that ties a name to its payload. */
export const messageContracts = {
  [articleReceivedV1.name]: articleReceivedV1,
  [articleNormalizedV1.name]: articleNormalizedV1,
  [articleDuplicateV1.name]: articleDuplicateV1,
  [articleRejectedV1.name]: articleRejectedV1,
  [eventCreatedV1.name]: eventCreatedV1,
  [eventUpdatedV1.name]: eventUpdatedV1,
  [eventMergedV1.name]: eventMergedV1,
  [articleMovedV1.name]: articleMovedV1,
} as const;

export type MessageContracts = typeof messageContracts;
export type MessageName = keyof MessageContracts;
export type MessagePayload<N extends MessageName> = z.infer<MessageContracts[N]['schema']>;

/** A message ready to publish; the type ties `name` to its payload. */
export type OutgoingMessage = {
  [N in MessageName]: { name: N; payload: MessagePayload<N> };
}[MessageName];

export function isMessageName(value: unknown): value is MessageName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(messageContracts, value);
}

export type ValidationResult<N extends MessageName> =
  { ok: true; payload: MessagePayload<N> } | { ok: false; error: string };

/** Checks a decoded body against the schema of its name; the error names each bad field. */
export function validateMessage<N extends MessageName>(
  name: N,
  body: unknown,
): ValidationResult<N> {
  const result = messageContracts[name].schema.safeParse(body);
  if (result.success) return { ok: true, payload: result.data as MessagePayload<N> };
  return { ok: false, error: describeIssues(result.error) };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
