/**
 * The per-day counts' arithmetic, pure: which counters a response adds to, and merging stored day
 * documents into days. aggregates.ts stores them (response-day.model.ts explains the documents).
 */
import type mongoose from 'mongoose';

import { dayIn } from '../lib/time-zone.js';
import type { CountedState } from '../responses/counts-port.js';
import { isCounted, type RepurchaseAnswer } from '../vocabulary/answers.js';
import type { Cell } from './summary.js';

/** One calendar day's counts (all channels asked for, merged). */
export interface DayCounts {
  day: string;
  cells: Cell[];
  flagged: number;
  /** Counted answers to the additional questions: "q1=o2" (question=value, as answerValuesOf) -> n. */
  answers?: Record<string, number>;
}

/** A stored day document, as read for merging. */
/** The fields of a day document the figures read (a projection). */
export const DAY_DOC_FIELDS = { _id: 0, day: 1, channel: 1, c: 1, a: 1, flagged: 1 } as const;

export interface DayDoc {
  day: string;
  channel: string;
  value?: string;
  c?: Record<string, number>;
  /** Counted answers per question and value ("q1=o2"), on the overall and per-property documents. */
  a?: Record<string, number>;
  flagged?: number;
}

/** The counter of a score and repurchase answer in a day document: "9|probably_would", "4|". */
export function cellKey(score: number, repurchase: string | null | undefined): string {
  return `${score}|${repurchase ?? ''}`;
}

export function parseCellKey(key: string): { score: number; repurchase: RepurchaseAnswer | null } {
  const [score, repurchase] = key.split('|');
  return { score: Number(score), repurchase: (repurchase || null) as RepurchaseAnswer | null };
}

/** The property values a response counts under (empty values count nowhere). */
export function propertiesOf(snapshot: CountedState['contactSnapshot']): [string, string][] {
  if (!snapshot) return [];
  const entries = snapshot instanceof Map ? [...snapshot.entries()] : Object.entries(snapshot);
  return entries.filter(([, v]) => typeof v === 'string' && v !== '');
}

/**
 * The key under which an additional question's answers are counted like a property: "$q:q1". Property
 * names never start with "$" (vocabulary/properties.ts), so the two can never meet.
 */
export const QUESTION_KEY_PREFIX = '$q:';
export const questionKey = (questionId: string) => `${QUESTION_KEY_PREFIX}${questionId}`;
export const isQuestionKey = (key: string) => key.startsWith(QUESTION_KEY_PREFIX);
/** The value counting every response that answered a multiple-choice question (the shares' denominator). */
export const ANSWERED_VALUE = '*';

/**
 * The values a response counts under for its additional questions: each chosen option and "*" once
 * (a multiple choice's options do not add up to its respondents), a rating's number. Text answers are not counted (they are listed like comments).
 */
export function answerValuesOf(answers: CountedState['answers']): [string, string][] {
  const out: [string, string][] = [];
  for (const a of answers ?? []) {
    const key = questionKey(a.q);
    if (typeof a.rating === 'number') out.push([key, String(a.rating)]);
    else if (a.choices && a.choices.length > 0) {
      for (const choice of a.choices) out.push([key, choice]);
      out.push([key, ANSWERED_VALUE]);
    }
  }
  return out;
}

/** The $inc for one day document, with what to set when the document is new. */
export interface Increment {
  set: Record<string, unknown>;
  inc: Record<string, number>;
}

/**
 * What a write changes in the counts: the response's state before counted -1, after counted +1, per
 * document id ("surveyId|day|channel", and "...|key|value" per property). Counters that net to zero
 * are left out; a discarded response counts nowhere, a flagged one only as flagged.
 */
export function incrementsOf(
  before: CountedState | null,
  after: CountedState | null,
  timeZone: string,
): Map<string, Increment> {
  const incs = new Map<string, Increment>();
  const add = (state: CountedState, sign: 1 | -1) => {
    const counted = isCounted(state.review);
    if (!counted && state.review !== 'flagged') return; // discarded: counts nowhere
    const day = dayIn(state.submittedAt, timeZone);
    const path = counted ? `c.${cellKey(state.score, state.repurchase)}` : 'flagged';
    const answerValues = answerValuesOf(state.answers);
    // The answers' totals ride on the overall and per-property documents (the questions' results
    // read them with the figures); the "$q:" documents carry the score per answer (breakdowns).
    const answerPaths = counted
      ? answerValues.map(([key, value]) => `a.${key.slice(QUESTION_KEY_PREFIX.length)}=${value}`)
      : [];
    const bump = (id: string, set: Record<string, unknown>, withAnswers: boolean) => {
      let entry = incs.get(id);
      if (!entry) incs.set(id, (entry = { set, inc: {} }));
      for (const p of withAnswers ? [path, ...answerPaths] : [path]) entry.inc[p] = (entry.inc[p] ?? 0) + sign;
    };
    const base = `${String(state.surveyId)}|${day}|${state.channel}`;
    bump(base, { surveyId: state.surveyId, day, channel: state.channel, key: '', value: '' }, true);
    const properties = propertiesOf(state.contactSnapshot);
    for (const [key, value] of [...properties, ...answerValues]) {
      bump(
        `${base}|${key}|${value}`,
        {
          surveyId: state.surveyId,
          day,
          channel: state.channel,
          key,
          value,
        },
        !isQuestionKey(key),
      );
    }
  };
  if (before) add(before, -1);
  if (after) add(after, 1);
  for (const [id, entry] of incs) {
    entry.inc = Object.fromEntries(Object.entries(entry.inc).filter(([, n]) => n !== 0));
    if (Object.keys(entry.inc).length === 0) incs.delete(id);
  }
  return incs;
}

/** Day documents merged per day, for a range of days and one channel or all. */
export function mergeDays(
  docs: readonly DayDoc[],
  range: { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined } = {},
): DayCounts[] {
  const byDay = new Map<string, { cells: Map<string, number>; flagged: number; answers?: Record<string, number> }>();
  for (const doc of docs) {
    const outside = (range.fromDay && doc.day < range.fromDay) || (range.toDay && doc.day > range.toDay);
    if (outside || (range.channel && doc.channel !== range.channel)) continue;
    let day = byDay.get(doc.day);
    if (!day) byDay.set(doc.day, (day = { cells: new Map(), flagged: 0 }));
    day.flagged += doc.flagged ?? 0;
    for (const [key, n] of Object.entries(doc.c ?? {})) day.cells.set(key, (day.cells.get(key) ?? 0) + n);
    if (doc.a) {
      const answers = (day.answers ??= {});
      for (const [key, n] of Object.entries(doc.a)) answers[key] = (answers[key] ?? 0) + n;
    }
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => ({
      day,
      flagged: d.flagged,
      cells: [...d.cells.entries()].filter(([, n]) => n > 0).map(([key, n]) => ({ ...parseCellKey(key), n })),
      ...(d.answers ? { answers: d.answers } : {}),
    }));
}

/** Day documents per survey, for reading several surveys' counts at once (the overview). */
export function bySurvey(docs: readonly (DayDoc & { surveyId: mongoose.Types.ObjectId })[]): Map<string, DayDoc[]> {
  const out = new Map<string, DayDoc[]>();
  for (const doc of docs) out.set(String(doc.surveyId), [...(out.get(String(doc.surveyId)) ?? []), doc]);
  return out;
}
