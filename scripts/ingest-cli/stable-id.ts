import { createHash } from 'node:crypto';

/** Fixed namespace of newsflow-ingest ids: the same input maps to the same id on every machine. */
const NAMESPACE = 'f3b0c7a2-5d1e-4e8b-9a64-2c7d0e9b1f35';

/** RFC 4122 version-5 UUID (SHA-1 of namespace + name). */
export function uuidV5(name: string, namespace = NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * The id of one article of an import: where it came from (absolute path, position in the file)
 * and what it says. Re-running an import sends the same ids, so ingest's idempotency makes a
 * half-done import safe to repeat; an edited file gets new ids, as it is new content.
 */
export function stableArticleId(origin: string, position: number, content: string): string {
  return uuidV5(`${origin}\n${position}\n${sha256(content)}`);
}
