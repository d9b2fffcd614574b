import { ArticleEventMap, type AssignmentMessage, supersedes } from './article-event-map';

const id = (kind: 'a' | 'e', n: number) =>
  `${kind === 'a' ? '0a' : '0e'}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const article = (n: number) => id('a', n);
const event = (n: number) => id('e', n);

const normalized = (a: number, e: number): AssignmentMessage => ({
  name: 'article.normalized.v1',
  payload: { id: article(a), eventId: event(e) },
});
const duplicate = (a: number, e: number): AssignmentMessage => ({
  name: 'article.duplicate.v1',
  payload: { id: article(a), eventId: event(e) },
});
const moved = (a: number, to: number, version: number): AssignmentMessage => ({
  name: 'article.moved.v1',
  payload: { articleId: article(a), toEventId: event(to), version },
});
const merged = (from: number, into: number, version: number): AssignmentMessage => ({
  name: 'event.merged.v1',
  payload: { eventId: event(from), mergedInto: event(into), version },
});

/**
 * A history with every kind of revision: event 2 merges into event 1 (its articles 3, 4 and the
 * duplicate 7 move), article 2 splits off to a new event 4 and comes back, event 4 later merges
 * into event 3.
 */
const history: AssignmentMessage[] = [
  normalized(1, 1),
  normalized(2, 1),
  normalized(3, 2),
  normalized(4, 2),
  duplicate(5, 1),
  normalized(6, 3),
  duplicate(7, 2),
  merged(2, 1, 4),
  moved(3, 1, 2),
  moved(4, 1, 2),
  moved(7, 1, 2),
  moved(2, 4, 2),
  moved(2, 1, 3),
  normalized(8, 4),
  merged(4, 3, 3),
  moved(8, 3, 2),
];

const expected = new Map([
  [article(1), event(1)],
  [article(2), event(1)],
  [article(3), event(1)],
  [article(4), event(1)],
  [article(5), event(1)],
  [article(6), event(3)],
  [article(7), event(1)],
  [article(8), event(3)],
]);

/** A small seeded generator (mulberry32): the shuffles are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function built(messages: readonly AssignmentMessage[]): ArticleEventMap {
  const map = new ArticleEventMap();
  for (const message of messages) map.apply(message);
  return map;
}

describe('ArticleEventMap', () => {
  it('follows moves and merges in publication order', () => {
    const map = built(history);
    expect(map.articleEvents()).toEqual(expected);
    expect(map.assignmentOf(article(2))).toEqual({ eventId: event(1), version: 3 });
    expect(map.mergedInto(event(2))).toBe(event(1));
    expect(map.mergedInto(event(1))).toBeUndefined();
    expect(map.eventsWithArticles().get(event(3))).toEqual([article(6), article(8)]);
    expect(map.eventsWithArticles().has(event(2))).toBe(false);
  });

  it('gives the same map for any order, with every message delivered up to three times', () => {
    const next = random(18);
    for (let run = 0; run < 300; run += 1) {
      const deliveries = history.flatMap((message) =>
        Array.from({ length: 1 + Math.floor(next() * 3) }, () => message),
      );
      const map = built(shuffled(deliveries, next));
      expect(map.articleEvents()).toEqual(expected);
      expect(map.survivorOf(event(4))).toBe(event(3));
    }
  });

  it('reports a change only for a newer assignment', () => {
    const map = new ArticleEventMap();
    expect(map.apply(moved(1, 2, 2))).toBe(true);
    expect(map.apply(normalized(1, 1))).toBe(false);
    expect(map.apply(moved(1, 2, 2))).toBe(false);
    expect(map.apply(moved(1, 3, 3))).toBe(true);
    expect(map.eventOf(article(1))).toBe(event(3));
  });

  it('ignores messages that assign nothing', () => {
    const map = new ArticleEventMap();
    expect(map.apply({ name: 'event.updated.v1', payload: { id: event(1) } })).toBe(false);
    expect(map.apply({ name: 'article.rejected.v1', payload: { id: article(1) } })).toBe(false);
    expect(map.articleEvents().size).toBe(0);
  });

  it('compares ids regardless of case', () => {
    const map = new ArticleEventMap();
    map.apply({
      name: 'article.moved.v1',
      payload: {
        articleId: article(1).toUpperCase(),
        toEventId: event(2).toUpperCase(),
        version: 2,
      },
    });
    map.apply(normalized(1, 1));
    expect(map.eventOf(article(1))).toBe(event(2));
  });

  it('settles two assignments of one version on the greater event id, whatever the order', () => {
    expect(supersedes({ eventId: event(2), version: 2 }, { eventId: event(1), version: 2 })).toBe(
      true,
    );
    expect(built([moved(1, 1, 2), moved(1, 2, 2)]).eventOf(article(1))).toBe(event(2));
    expect(built([moved(1, 2, 2), moved(1, 1, 2)]).eventOf(article(1))).toBe(event(2));
  });

  it('follows merge chains to the surviving event and stops on a loop', () => {
    const chain = built([merged(1, 2, 2), merged(2, 3, 2), merged(3, 1, 5)]);
    expect(chain.survivorOf(event(1))).toBe(event(3));
    expect(built([merged(1, 2, 2), merged(2, 3, 2)]).survivorOf(event(1))).toBe(event(3));
    expect(built([]).survivorOf(event(9))).toBe(event(9));
  });
});
