import type { RawArticle } from '../../libs/text-processing/src/cleaning';

/**
 * After every dated page of the eval sets (the extraction pages are of November 2019, ECB+ of
 * 2005–2013), so no date in them is refused as in the future.
 */
const RECEIVED_AT = '2019-11-21T00:00:00.000Z';

/** An eval input as a client would post it: the given fields, every other one empty. */
export function evalRawArticle(fields: Partial<RawArticle>): RawArticle {
  return {
    url: null,
    source: null,
    title: null,
    author: null,
    publishedAt: null,
    language: null,
    text: null,
    html: null,
    receivedAt: RECEIVED_AT,
    ...fields,
  };
}
