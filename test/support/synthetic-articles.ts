import { randomUUID } from 'node:crypto';
import { FUNCTION_WORDS } from '../../scripts/support/function-words';
import { seededRandom } from '../../scripts/support/seeded-random';

const WORDS =
  `harbour council budget tram school water flood rent vaccine fishing quota parliament regulator
  ministry assembly engineer resident protest square evening schedule testimony owner critic supporter
  delay cost estimate contract tender bridge tunnel station airport runway clinic hospital nurse doctor
  teacher pupil exam farmer harvest drought rainfall river dam pipeline grid turbine solar battery factory
  worker union strike wage pension tax levy subsidy loan bank bond market investor share profit loss
  export import tariff border customs court judge appeal verdict lawyer witness police officer arrest
  charge fraud audit report inquiry minister mayor governor senator deputy vote ballot election campaign
  poll coalition opposition treaty summit envoy embassy sanction ceasefire refugee camp shelter aid
  volunteer charity festival museum gallery theatre stadium league coach player transfer season trophy
  storm wildfire earthquake aftershock rescue crew helicopter satellite launch orbit probe telescope
  study survey census data privacy breach hacker software update patch outage network mobile signal`
    .split(/\s+/)
    .filter(Boolean);
const PLACES = [
  'Lisbon',
  'Nairobi',
  'Osaka',
  'Quito',
  'Tallinn',
  'Perth',
  'Accra',
  'Bergen',
  'Cusco',
  'Hanoi',
];
const PEOPLE = [
  'Amara Diallo',
  'Jonas Weber',
  'Lucia Ferreira',
  'Kenji Sato',
  'Priya Nair',
  'Omar Haddad',
];

/**
 * A distinct news-like article: a title and three paragraphs of sentences drawn at random from a
 * few hundred words, so two of them share almost no word triples (never near-duplicates).
 */
export function syntheticArticle(seed: number, source = 'synthetic-wire') {
  const next = seededRandom(seed + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const sentence = (length: number) => {
    // Content words alternate with function words, as in prose: the cleaner judges prose by them.
    const words = Array.from({ length }, (_, index) =>
      index % 2 === 0 ? pick(WORDS) : pick(FUNCTION_WORDS),
    );
    return `${words.join(' ').replace(/^./, (first) => first.toUpperCase())}.`;
  };
  const paragraph = () =>
    `${sentence(14)} ${pick(PEOPLE)} said in ${pick(PLACES)} that ${sentence(12).toLowerCase()} ${sentence(16)}`;
  return {
    id: randomUUID(),
    source,
    title: `${pick(PLACES)} ${sentence(7).slice(0, -1).toLowerCase()}`,
    text: [paragraph(), paragraph(), paragraph()].join('\n\n'),
  };
}
