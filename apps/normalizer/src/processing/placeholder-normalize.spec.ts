import type { ArticleReceivedV1 } from '@newsflow/contracts';
import { placeholderNormalize } from './placeholder-normalize';

const received = (fields: Partial<ArticleReceivedV1>): ArticleReceivedV1 => ({
  id: '7b0a4d4e-5d0c-4a57-9d7e-0c0f8f1b2a11',
  receivedAt: '2025-03-12T05:00:00.000Z',
  url: null,
  source: null,
  title: null,
  author: null,
  publishedAt: null,
  language: null,
  text: null,
  html: null,
  ...fields,
});

describe('placeholderNormalize', () => {
  const now = new Date('2025-03-12T05:00:01.000Z');

  it('takes the first non-empty line as title and joins lines as paragraphs', () => {
    const [normalized, created] = placeholderNormalize(
      received({ text: '\n  Big   news today \n\nFirst  paragraph.\nSecond paragraph.  ' }),
      now,
    );
    expect(normalized.name).toBe('article.normalized.v1');
    if (normalized.name !== 'article.normalized.v1') return;
    expect(normalized.payload.title).toBe('Big news today');
    expect(normalized.payload.text).toBe('Big news today\n\nFirst paragraph.\n\nSecond paragraph.');
    expect(created).toMatchObject({
      name: 'event.created.v1',
      payload: { id: normalized.payload.eventId, articleCount: 1 },
    });
  });

  it('keeps the client title', () => {
    const [normalized] = placeholderNormalize(received({ title: 'Given', text: 'Body line' }), now);
    expect(normalized.payload.title).toBe('Given');
  });

  it('rejects a page with no text, with a reason', () => {
    const [rejected] = placeholderNormalize(
      received({ html: '<html><script>x()</script></html>' }),
      now,
    );
    expect(rejected).toMatchObject({
      name: 'article.rejected.v1',
      payload: { reason: expect.any(String) },
    });
  });
});
