import { topTerms } from './vectors';

/** Terms kept per member article for the refinement (the strongest at its decision). */
export const MEMBER_TERMS = 80;

/**
 * What the refinement knows of one member article (a first copy): its strongest terms as they were
 * weighed when it was decided, its time anchor and its date. Kept per member by the caller.
 */
export interface MemberTerms {
  /** The article's strongest terms (at most `memberTerms`), strongest first. */
  terms: readonly string[];
  /** Sublinear frequency of each term, 1 + ln(tf): what the event's term sums add up. */
  frequencies: readonly number[];
  /** idf · kind boost of each term when the article was decided (its weight is frequency × this). */
  specificities: readonly number[];
  /** `timeAnchor` of the article. */
  year: number | null;
  /** The article carries a publication date. */
  dated: boolean;
  /**
   * The terms as ids of the caller's term table (non-negative integers, equal for equal terms), in
   * the order of `terms`, when it holds them: the refinement then compares ids, not strings.
   * Either every member a refinement compares has them or it compares strings.
   */
  ids?: ArrayLike<number>;
}

/** Keeps the strongest `limit` of an article's terms, with their frequency and specificity. */
export function memberTermsOf(
  frequencies: ReadonlyMap<string, number>,
  specificity: (term: string) => number,
  year: number | null,
  dated: boolean,
  limit: number = MEMBER_TERMS,
): MemberTerms {
  const strongest = [
    ...topTerms(
      [...frequencies].map(([term, frequency]): [string, number] => [
        term,
        frequency * specificity(term),
      ]),
      limit,
    ).keys(),
  ];
  return {
    terms: strongest,
    frequencies: strongest.map((term) => frequencies.get(term) ?? 0),
    specificities: strongest.map(specificity),
    year,
    dated,
  };
}
