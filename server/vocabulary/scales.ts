/**
 * The answer scales a survey's first question can have (issue 17): NPS 0-10 (PRODUCT.md), CSAT 1-5
 * ("How satisfied were you with ...?"; CSAT % = the share answering 4 or 5), CES 1-7 ("It was easy
 * to ..."; the mean, and the share answering 5-7) and a 5-star rating (the mean, and the share of 4-5
 * stars). No I/O: the figures (results/scale-figures.ts), the pages and the validation read these.
 */
export const SURVEY_TYPES = ['nps', 'csat', 'ces', 'stars'] as const;
export type SurveyType = (typeof SURVEY_TYPES)[number];

export interface Scale {
  min: number;
  max: number;
  /** The lowest answer in the top box (CSAT's satisfied, CES's easy, 4-5 stars; NPS's promoters). */
  topBoxFrom: number;
  /** Whether the headline figure is a mean (CES, stars) rather than a share or the NPS. */
  headlineIsMean: boolean;
  label: string;
}

export const SCALES: Record<SurveyType, Scale> = {
  nps: { min: 0, max: 10, topBoxFrom: 9, headlineIsMean: false, label: 'NPS (0-10)' },
  csat: { min: 1, max: 5, topBoxFrom: 4, headlineIsMean: false, label: 'CSAT (1-5)' },
  ces: { min: 1, max: 7, topBoxFrom: 5, headlineIsMean: true, label: 'CES (1-7)' },
  stars: { min: 1, max: 5, topBoxFrom: 4, headlineIsMean: true, label: '5-star rating' },
};

/** Every point of the scale, lowest first: one link per point in the email. */
export function pointsOf(type: SurveyType): number[] {
  const { min, max } = SCALES[type];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** Whether a score is a point of the scale (a whole number within it). */
export function isPointOf(type: SurveyType, score: number): boolean {
  const { min, max } = SCALES[type];
  return Number.isInteger(score) && score >= min && score <= max;
}
