import {
  NPS_CATEGORIES as CATEGORIES,
  REPURCHASE_ANSWERS,
  REPURCHASE_LABELS,
  TOP_2_BOX as TOP_2,
  type NpsCategory,
  type RepurchaseAnswer,
} from '../vocabulary/answers.js';
import { bandLabel, BANDS, pointsOf, type SurveyType } from '../vocabulary/scales.js';
import { npsFigures, type NpsFigures } from './nps.js';

/** Counted responses with one score and one repurchase answer (null: not answered). */
export interface Cell {
  score: number;
  repurchase: RepurchaseAnswer | null;
  n: number;
}

/** A share in percent of a whole, unrounded; 0 when the whole is 0. */
export const share = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

export interface Summary {
  figures: NpsFigures;
  categories: { key: NpsCategory; label: string; n: number; share: number }[];
  distribution: { score: number; category: NpsCategory; n: number; share: number }[];
  repurchase: {
    /** Responses that answered the repurchase question: the denominator of its shares and of top-2-box. */
    answered: number;
    notAnswered: number;
    answers: { key: RepurchaseAnswer; label: string; n: number; share: number }[];
    top2: { n: number; share: number };
  };
  /** NPS category x repurchase answer: counts, and each cell's share of its row (the category). */
  crossTab: {
    key: NpsCategory;
    label: string;
    total: number;
    cells: { key: RepurchaseAnswer | 'none'; n: number; rowShare: number }[];
  }[];
}

/**
 * Every figure of the results page from counts by score and repurchase answer: NPS and its interval,
 * the bands' shares (promoters / passives / detractors, or a scale's top, middle and bottom; `type`),
 * the distribution over the scale's points, repurchase shares and top-2-box (among those who answered
 * it), and the cross-tab. Pure; numbers are tested against hand-computed values.
 */
export function summarise(cells: readonly Cell[], type: SurveyType = 'nps'): Summary {
  const points = pointsOf(type);
  const bands = BANDS[type];
  // The band by its lower bound: a score off the scale (never stored by the app) still lands somewhere.
  const categoryOf = (score: number) => (bands.find((b) => score >= b.from) ?? bands.at(-1)!).key;
  const byScore = Array.from({ length: 11 }, () => 0);
  const byCategory: Record<NpsCategory, number> = { promoter: 0, passive: 0, detractor: 0 };
  const byAnswer = Object.fromEntries(REPURCHASE_ANSWERS.map((a) => [a, 0])) as Record<RepurchaseAnswer, number>;
  const cross = Object.fromEntries(
    CATEGORIES.map((c) => [c, Object.fromEntries([...REPURCHASE_ANSWERS, 'none'].map((a) => [a, 0]))]),
  ) as Record<NpsCategory, Record<string, number>>;
  let notAnswered = 0;
  for (const cell of cells) {
    const category = categoryOf(cell.score);
    byScore[cell.score]! += cell.n;
    byCategory[category] += cell.n;
    if (cell.repurchase) byAnswer[cell.repurchase] += cell.n;
    else notAnswered += cell.n;
    cross[category][cell.repurchase ?? 'none']! += cell.n;
  }
  const figures = npsFigures({
    promoters: byCategory.promoter,
    passives: byCategory.passive,
    detractors: byCategory.detractor,
  });
  const answered = REPURCHASE_ANSWERS.reduce((sum, a) => sum + byAnswer[a], 0);
  const top2 = TOP_2.reduce((sum, a) => sum + byAnswer[a], 0);
  return {
    figures,
    categories: CATEGORIES.map((key) => ({
      key,
      label: bandLabel(type, key),
      n: byCategory[key],
      share: share(byCategory[key], figures.n),
    })),
    distribution: points.map((score) => {
      const n = byScore[score] ?? 0;
      return { score, category: categoryOf(score), n, share: share(n, figures.n) };
    }),
    repurchase: {
      answered,
      notAnswered,
      answers: REPURCHASE_ANSWERS.map((key) => ({
        key,
        label: REPURCHASE_LABELS[key],
        n: byAnswer[key],
        share: share(byAnswer[key], answered),
      })),
      top2: { n: top2, share: share(top2, answered) },
    },
    crossTab: CATEGORIES.map((key) => {
      const total = byCategory[key];
      return {
        key,
        label: bandLabel(type, key),
        total,
        cells: [...REPURCHASE_ANSWERS, 'none' as const].map((a) => ({
          key: a,
          n: cross[key][a]!,
          rowShare: share(cross[key][a]!, total),
        })),
      };
    }),
  };
}
