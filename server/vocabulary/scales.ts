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

/** A score's band, stored as the response's category: NPS's promoter / passive / detractor, and for the other scales their top, middle and bottom (see BANDS). */
export type Band = 'promoter' | 'passive' | 'detractor';

/**
 * The three bands of each scale, highest first, with the scores in each: NPS 9-10 / 7-8 / 0-6 (PRODUCT.md),
 * CSAT and stars 4-5 / 3 / 1-2, CES 5-7 / 4 / 1-3. The comments tab, automatic replies and chat rules
 * filter on the band, whatever the type.
 */
export const BANDS: Record<SurveyType, { key: Band; label: string; from: number; to: number }[]> = {
  nps: [
    { key: 'promoter', label: 'Promoters', from: 9, to: 10 },
    { key: 'passive', label: 'Passives', from: 7, to: 8 },
    { key: 'detractor', label: 'Detractors', from: 0, to: 6 },
  ],
  csat: [
    { key: 'promoter', label: 'Satisfied', from: 4, to: 5 },
    { key: 'passive', label: 'Neutral', from: 3, to: 3 },
    { key: 'detractor', label: 'Dissatisfied', from: 1, to: 2 },
  ],
  ces: [
    { key: 'promoter', label: 'Easy', from: 5, to: 7 },
    { key: 'passive', label: 'Neutral', from: 4, to: 4 },
    { key: 'detractor', label: 'Difficult', from: 1, to: 3 },
  ],
  stars: [
    { key: 'promoter', label: '4-5 stars', from: 4, to: 5 },
    { key: 'passive', label: '3 stars', from: 3, to: 3 },
    { key: 'detractor', label: '1-2 stars', from: 1, to: 2 },
  ],
};

/** The band of a score on a scale; a RangeError for a score that is not a point of it. */
export function bandOf(type: SurveyType, score: number): Band {
  if (!isPointOf(type, score))
    throw new RangeError(`score must be a whole number ${SCALES[type].min}-${SCALES[type].max}`);
  return BANDS[type].find((b) => score >= b.from && score <= b.to)!.key;
}

/** "Detractors (0-6)": a band with its scores, as filters and tables name it. */
export function bandLabel(type: SurveyType, band: Band): string {
  const b = BANDS[type].find((x) => x.key === band)!;
  return `${b.label} (${b.from === b.to ? b.from : `${b.from}-${b.to}`})`;
}

export const isSurveyType = (v: unknown): v is SurveyType => (SURVEY_TYPES as readonly unknown[]).includes(v);

/** One answer's band as a word: "Promoter" for NPS, the band's name for the other scales ("Satisfied"). */
export function bandWord(type: SurveyType, band: Band): string {
  if (type === 'nps') return band.charAt(0).toUpperCase() + band.slice(1);
  return BANDS[type].find((b) => b.key === band)!.label;
}
