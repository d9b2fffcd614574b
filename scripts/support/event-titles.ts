/** One event as the title figures see it: its title and its members' headlines. */
export interface TitledEvent {
  title: string | null;
  /** Each member's headline as stored (null when it has none). */
  memberTitles: ReadonlyArray<string | null>;
  /** Each member's reference headline (the eval's own reading of the text), when known. */
  referenceTitles?: ReadonlyArray<string | null>;
  /** Each member's gold event, when known. */
  golds?: readonly string[];
}

export interface EventTitleFigures {
  events: number;
  /** Events with at least one titled member. */
  withTitledMember: number;
  /** Of those, events without a title: "(untitled event)" on the dashboard. */
  untitledWithTitledMember: number;
  /** Of those, events whose title is one of their members' headlines. */
  titleIsMemberHeadline: number;
  /** Events with a member that has a reference headline. */
  withReference: number;
  /** Of those, events whose title is one of their members' reference headlines. */
  titleIsReferenceHeadline: number;
  /** Titled events whose title is the headline of a member of the event's most common gold event. */
  titleOfMajorityGold: number;
  /** Titled events with gold events known. */
  titledWithGold: number;
}

function present(title: string | null | undefined): title is string {
  return typeof title === 'string' && title.trim().length > 0;
}

function fold(title: string): string {
  return title.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** How events are titled: untitled ones although a member has a headline, titles that are a member's headline. */
export function eventTitleFigures(events: readonly TitledEvent[]): EventTitleFigures {
  const figures: EventTitleFigures = {
    events: events.length,
    withTitledMember: 0,
    untitledWithTitledMember: 0,
    titleIsMemberHeadline: 0,
    withReference: 0,
    titleIsReferenceHeadline: 0,
    titleOfMajorityGold: 0,
    titledWithGold: 0,
  };
  for (const event of events) {
    const title = present(event.title) ? fold(event.title) : null;
    const headlines = event.memberTitles.filter(present).map(fold);
    if (headlines.length > 0) {
      figures.withTitledMember++;
      if (title === null) figures.untitledWithTitledMember++;
      else if (headlines.includes(title)) figures.titleIsMemberHeadline++;
    }
    const references = (event.referenceTitles ?? []).filter(present).map(fold);
    if (references.length > 0) {
      figures.withReference++;
      if (title !== null && references.includes(title)) figures.titleIsReferenceHeadline++;
    }
    const golds = event.golds ?? [];
    if (title !== null && golds.length > 0) {
      figures.titledWithGold++;
      const counts = new Map<string, number>();
      for (const gold of golds) counts.set(gold, (counts.get(gold) ?? 0) + 1);
      const most = Math.max(...counts.values());
      const majority = new Set([...counts].filter(([, count]) => count === most).map(([g]) => g));
      const holders = [event.memberTitles, event.referenceTitles ?? []];
      if (
        golds.some(
          (gold, index) =>
            majority.has(gold) &&
            holders.some((list) => present(list[index]) && fold(list[index] ?? '') === title),
        )
      )
        figures.titleOfMajorityGold++;
      else if (process.env.TITLES_DEBUG)
        console.log(
          'MINORITY',
          title,
          JSON.stringify([...counts]),
          JSON.stringify(event.memberTitles.map((t, i) => `${golds[i]}: ${t}`)),
        );
    }
  }
  return figures;
}

export function formatTitleFigures(figures: EventTitleFigures): string {
  const share = (count: number, total: number) =>
    `${count}/${total}${total > 0 ? ` (${((100 * count) / total).toFixed(1)}%)` : ''}`;
  return [
    `untitled with a titled member ${share(figures.untitledWithTitledMember, figures.withTitledMember)}`,
    `title = a member's headline ${share(figures.titleIsMemberHeadline, figures.withTitledMember)}`,
    `title = a member's reference headline ${share(figures.titleIsReferenceHeadline, figures.withReference)}`,
    `title of the majority gold event ${share(figures.titleOfMajorityGold, figures.titledWithGold)}`,
  ].join(', ');
}
