/** The CSV export's columns and rows. Pure. */
import type mongoose from 'mongoose';

import { isoWithOffset } from '../lib/time-zone.js';
import { answerText } from '../surveys/answer-text.js';
import { textIn, type ExtraQuestion } from '../surveys/extra-questions.js';
import { REPURCHASE_LABELS, type RepurchaseAnswer } from '../vocabulary/answers.js';
import type { Language } from '../vocabulary/languages.js';
import { safeCell } from './csv.js';

export const FIXED_COLUMNS = [
  'response_id',
  'survey',
  'submitted_at',
  'updated_at',
  'contact_email',
  'contact_name',
  'score',
  'category',
  'repurchase',
  'comment',
  'channel',
] as const;

export interface ExportRow {
  _id: mongoose.Types.ObjectId;
  /** The latest submission: the time the figures place the answer at. */
  submittedAt: Date;
  /** The first submission; the export's submitted_at (an edit does not move it). */
  firstSubmittedAt?: Date | null;
  updatedAt?: Date;
  score: number;
  category: string;
  repurchase?: RepurchaseAnswer | null;
  comment?: string | null;
  channel: string;
  contactSnapshot?: Record<string, string> | null;
  contactId?: mongoose.Types.ObjectId | null;
  tags?: string[];
  answers?: { q: string; choices?: string[] | null; rating?: number | null; text?: string | null }[] | null;
}

/** What the rows read besides the responses: the survey, the property columns, the time zone, follow-up statuses. */
export interface ExportContext {
  surveyName: string;
  properties: readonly string[];
  timeZone: string;
  followUps: ReadonlyMap<string, string>;
  /** The survey's additional questions, archived ones included: one column each, in order. */
  questions: readonly ExtraQuestion[];
  language: Language;
}

/**
 * The header row: fixed columns, one "<id>: <question>" per additional question (in the survey's
 * order), one `property_<name>` per property (sorted), tags, follow-up status.
 */
export function headerOf(
  properties: readonly string[],
  questions: readonly ExtraQuestion[] = [],
  language: Language = 'en',
): (string | number)[] {
  return [
    ...FIXED_COLUMNS,
    ...questions.map((q) => `${q.id}: ${textIn(q.text, language, language)}`),
    ...properties.map((key) => `property_${key}`),
    'tags',
    'follow_up_status',
  ].map(safeCell);
}

/** An answer as its cell: the chosen options' wording joined by "; ", the rating as a number, or the text. */
function answerCell(
  q: ExtraQuestion,
  answer: NonNullable<ExportRow['answers']>[number] | undefined,
  language: Language,
) {
  if (!answer) return '';
  return typeof answer.rating === 'number' ? answer.rating : answerText(q, answer, language);
}

/** One response as a CSV row, every cell made safe to open in a spreadsheet. */
export function rowOf(
  doc: ExportRow,
  contact: { email?: string; name?: string } | undefined,
  ctx: ExportContext,
): (string | number)[] {
  const snapshot = doc.contactSnapshot ?? {};
  return [
    String(doc._id),
    ctx.surveyName,
    isoWithOffset(doc.firstSubmittedAt ?? doc.submittedAt, ctx.timeZone),
    // The latest change: the last submission (when the figures count it), or a later review or tag.
    isoWithOffset(latest(doc.submittedAt, doc.updatedAt), ctx.timeZone),
    contact?.email ?? '',
    contact?.name ?? '',
    doc.score,
    doc.category,
    doc.repurchase ? REPURCHASE_LABELS[doc.repurchase] : '',
    doc.comment ?? '',
    doc.channel,
    ...ctx.questions.map((q) =>
      answerCell(
        q,
        doc.answers?.find((a) => a.q === q.id),
        ctx.language,
      ),
    ),
    ...ctx.properties.map((key) => snapshot[key] ?? ''),
    (doc.tags ?? []).join('; '),
    ctx.followUps.get(String(doc._id)) ?? '',
  ].map(safeCell);
}

/** "customer-nps_2026-08-26_2026-11-23.csv": survey and range, safe in any file system. */
export function exportFileName(surveyName: string, fromDay: string | undefined, toDay: string): string {
  const slug =
    surveyName
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 60) || 'survey';
  return `${slug}_${fromDay ?? 'all'}_${toDay}.csv`;
}

const latest = (a: Date, b: Date | undefined) => (b && b > a ? b : a);
