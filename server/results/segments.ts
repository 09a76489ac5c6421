/** Segments and representativeness: figures per property value, each tested against everyone else. Pure. */
import type { SurveyType } from '../vocabulary/scales.js';
import { mergeDays, type DayDoc } from './day-counts.js';
import { headlineOf, headlinesDiffer, withoutCells, type Headline } from './headline.js';
import { countsOf, npsFigures, type NpsFigures } from './nps.js';
import { twoProportionTest } from './proportions.js';
import { share } from './summary.js';

export interface SegmentRow {
  value: string;
  /** NPS arithmetic (NPS surveys); `headline` is the survey type's figure. */
  figures: NpsFigures;
  headline: Headline;
  /** Differs significantly from everyone else in the view. */
  differs: boolean;
}

export interface RepresentativenessRow {
  value: string;
  invited: number;
  answered: number;
  /** Share among everyone invited (delivered) and among those who answered, in percent. */
  invitedShare: number;
  answeredShare: number;
  responseRate: number;
  /** 'over' or 'under' when this group answered significantly more or less often than the others. */
  skew: 'over' | 'under' | undefined;
}

/** Counts by score, added up (a cell list per value). */
export type ScoreCounts = { score: number; n: number }[];

/** Adds n responses with a score to a value's counts. */
export function addCount(byValue: Map<string, ScoreCounts>, value: string, score: number, n: number): void {
  const cells = byValue.get(value) ?? [];
  const cell = cells.find((c) => c.score === score);
  if (cell) cell.n += n;
  else cells.push({ score, n });
  byValue.set(value, cells);
}

/** Counts by score per property value (or question answer) from the per-value day documents, within days and a channel. */
export function countsByValue(
  docs: readonly DayDoc[],
  range: { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined },
): Map<string, ScoreCounts> {
  const docsByValue = new Map<string, DayDoc[]>();
  for (const doc of docs) docsByValue.set(doc.value ?? '', [...(docsByValue.get(doc.value ?? '') ?? []), doc]);
  const byValue = new Map<string, ScoreCounts>();
  for (const [value, valueDocs] of docsByValue) {
    for (const day of mergeDays(valueDocs, range))
      for (const cell of day.cells) addCount(byValue, value, cell.score, cell.n);
  }
  return byValue;
}

const total = (cells: ScoreCounts) => cells.reduce((sum, c) => sum + c.n, 0);

/**
 * The headline figure per value, highest first, each with whether it differs significantly from
 * everyone else with a value (the type's test, headline.ts, against the other values together).
 * Responses without a value are in no row and in no comparison, so like is compared with like; the
 * page says how many there are. For a multiple-choice question a response is in every row it chose,
 * so "the rest" of a row is everyone who answered and did not choose it: pass `everyone` then.
 */
export function segmentRows(
  byValue: ReadonlyMap<string, ScoreCounts>,
  type: SurveyType = 'nps',
  everyone?: ScoreCounts,
): SegmentRow[] {
  const all = everyone ?? [...byValue.values()].flat();
  const rows = [...byValue.entries()].map(([value, cells]) => {
    const rest = withoutCells(all, cells);
    const headline = headlineOf(type, cells);
    return {
      value,
      figures: npsFigures(countsOf(cells)),
      headline,
      differs: total(rest) > 0 && headlinesDiffer(type, cells, rest),
    };
  });
  return rows.sort(
    (a, b) => (b.headline.value ?? -Infinity) - (a.headline.value ?? -Infinity) || b.headline.n - a.headline.n,
  );
}

/**
 * Delivered and answered invitations per value, from counts: `delivered` per value (as the contacts
 * were when sent), `answered` per value (counted email responses, as the contacts were when they
 * answered), and the survey's totals. What no value accounts for - contacts without the property,
 * deleted contacts' tombstones, and answers under a value nobody was invited with (the property was
 * added or changed in between) - is the "(no value)" row.
 */
export function reachByValue(
  delivered: ReadonlyMap<string, number>,
  answered: ReadonlyMap<string, number>,
  totals: { delivered: number; answered: number },
): Map<string, { invited: number; answered: number }> {
  const byValue = new Map<string, { invited: number; answered: number }>();
  for (const [value, invited] of delivered) byValue.set(value, { invited, answered: answered.get(value) ?? 0 });
  const sum = (key: 'invited' | 'answered') => [...byValue.values()].reduce((n, e) => n + e[key], 0);
  const rest = { invited: totals.delivered - sum('invited'), answered: totals.answered - sum('answered') };
  if (rest.invited > 0) byValue.set('(no value)', { invited: rest.invited, answered: Math.max(0, rest.answered) });
  return byValue;
}

/**
 * Who answered compared with who was invited, per value: shares of the delivered and the answered
 * invitations, the response rate, and whether it differs significantly from everyone else's
 * (two-proportion z-test at 95%). Largest groups first.
 */
export function representativenessRows(byValue: ReadonlyMap<string, { invited: number; answered: number }>): {
  rows: RepresentativenessRow[];
  invited: number;
  answered: number;
} {
  const invited = [...byValue.values()].reduce((sum, e) => sum + e.invited, 0);
  const answered = [...byValue.values()].reduce((sum, e) => sum + e.answered, 0);
  if (invited === 0) return { rows: [], invited, answered };
  const rows = [...byValue.entries()].map(([value, e]): RepresentativenessRow => {
    const test = twoProportionTest(e.answered, e.invited, answered - e.answered, invited - e.invited);
    return {
      value,
      invited: e.invited,
      answered: e.answered,
      invitedShare: share(e.invited, invited),
      answeredShare: share(e.answered, answered),
      responseRate: share(e.answered, e.invited),
      skew: test === 'higher' ? 'over' : test === 'lower' ? 'under' : undefined,
    };
  });
  rows.sort((a, b) => b.invited - a.invited);
  return { rows, invited, answered };
}
