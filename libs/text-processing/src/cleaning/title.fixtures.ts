/** Article paragraphs for the title specs (excluded from the build with the specs). */
export const PROSE_PARAGRAPHS = [
  'The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan that has been debated for more than a decade.',
  'Supporters said the new lines would cut commuting times for tens of thousands of residents in the eastern districts, while critics warned about the cost.',
  'The first construction works are expected to start next spring and should be finished before the end of 2028, according to the mayor.',
  'Local businesses along the planned route have asked for compensation during the works, which the council said it would consider in the coming weeks.',
];
