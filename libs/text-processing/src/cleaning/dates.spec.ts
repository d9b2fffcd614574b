import { timestampLine } from './dates';

const RECEIVED = '2025-03-20T00:00:00.000Z';

describe('timestampLine', () => {
  it.each([
    'Updated at 1:23 p.m.',
    'Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM',
    'Published 12 March 2025 | Updated 13 March 2025',
    'Aktualisiert am 12.03.2025, 14:12 Uhr',
    'Posted: March 12, 2025 at 14:12',
  ])('"%s" is a time stamp', (line) => {
    expect(timestampLine(line, RECEIVED)).toBe(true);
  });

  it.each([
    'The vote is at 9 pm on March 12.',
    'Rates rose 2.5% in March 2025',
    '— Rep. Jane Doe (@janedoe) March 12, 2025',
    'El pleno votará el 12 de marzo la ampliación del tranvía.',
    'Chapter 3',
  ])('"%s" is not', (line) => {
    expect(timestampLine(line, RECEIVED)).toBe(false);
  });
});
