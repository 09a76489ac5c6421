import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { dayIn, isoWithOffset } from '../lib/time-zone.js';
import type { Aggregates } from '../results/aggregates.js';
import type { ResultsQuery } from '../results/results.schemas.js';
import { periodOf } from '../results/results.service.js';
import { COUNTED_REVIEW_STATES, REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { csvWriter, safeCell } from './csv.js';

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

interface ExportRow {
  _id: mongoose.Types.ObjectId;
  submittedAt: Date;
  updatedAt?: Date;
  score: number;
  category: string;
  repurchase?: keyof typeof REPURCHASE_LABELS | null;
  comment?: string | null;
  channel: string;
  contactSnapshot?: Record<string, string> | null;
  contactId?: mongoose.Types.ObjectId | null;
  tags?: string[];
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

/**
 * Streams a survey's counted responses as CSV, with the filters of the results page: rows leave as
 * they come from one database cursor (with the contact and follow-up joined in the same pipeline),
 * so memory stays flat whatever the size. When the client goes away, the pipeline is destroyed and
 * the cursor closed. Every export is logged (who, when, filters, rows, finished or not).
 */
export function createExportsService(deps: { models: Models; clock: Clock; timeZone: string; aggregates: Aggregates }) {
  const { models, clock, timeZone } = deps;

  async function exportCsv(input: {
    survey: { id: string; name: string };
    query: ResultsQuery;
    bom: boolean;
    userId: string | undefined;
    /** When the export came through the API. */
    apiKeyId?: string | undefined;
    out: Writable;
  }): Promise<{ rows: number; finished: boolean }> {
    const surveyId = new mongoose.Types.ObjectId(input.survey.id);
    const period = periodOf(input.query, clock.now(), timeZone);
    const match: Record<string, unknown> = { surveyId, review: { $in: [...COUNTED_REVIEW_STATES] } };
    if (period.start || period.end)
      match.submittedAt = {
        ...(period.start ? { $gte: period.start } : {}),
        ...(period.end ? { $lt: period.end } : {}),
      };
    if (input.query.channel) match.channel = input.query.channel;
    if (input.query.prop) match[`contactSnapshot.${input.query.prop}`] = input.query.value;
    if (input.query.tag) match.tags = input.query.tag;

    const properties = await deps.aggregates.propertyKeysOf(surveyId);
    // Follow-ups are one per unhappy response at most: read once, not looked up per row.
    const followUps = new Map<string, string>();
    for await (const f of models.followUps.find({ surveyId }).select('responseId status').lean().cursor())
      followUps.set(String(f.responseId), f.status);
    const log = await models.exportLogs.create({
      userId: input.userId,
      apiKeyId: input.apiKeyId,
      surveyId,
      filters: {
        range: input.query.range,
        from: period.fromDay,
        to: period.toDay,
        prop: input.query.prop,
        value: input.query.value,
        channel: input.query.channel,
        tag: input.query.tag,
      },
      startedAt: clock.now(),
    });

    let rows = 0;
    const header = [...FIXED_COLUMNS, ...properties.map((key) => `property_${key}`), 'tags', 'follow_up_status'];
    const rowOf = (doc: ExportRow, contact: { email?: string; name?: string } | undefined) => {
      const snapshot = doc.contactSnapshot ?? {};
      return [
        String(doc._id),
        input.survey.name,
        isoWithOffset(doc.submittedAt, timeZone),
        doc.updatedAt ? isoWithOffset(doc.updatedAt, timeZone) : '',
        contact?.email ?? '',
        contact?.name ?? '',
        doc.score,
        doc.category,
        doc.repurchase ? REPURCHASE_LABELS[doc.repurchase] : '',
        doc.comment ?? '',
        doc.channel,
        ...properties.map((key) => snapshot[key] ?? ''),
        (doc.tags ?? []).join('; '),
        followUps.get(String(doc._id)) ?? '',
      ].map(safeCell);
    };
    // Contacts are fetched for a thousand rows at a time (one _id $in query), not joined row by row.
    const BATCH = 1000;
    let pending: ExportRow[] = [];
    const flushRows = async (stream: Transform) => {
      const ids = [...new Set(pending.flatMap((d) => (d.contactId ? [String(d.contactId)] : [])))].map(
        (id) => new mongoose.Types.ObjectId(id),
      );
      const contacts =
        ids.length > 0
          ? await models.contacts.collection
              .find({ _id: { $in: ids } }, { projection: { email: 1, name: 1 } })
              .toArray()
          : [];
      const byId = new Map(contacts.map((c) => [String(c._id), c as { email?: string; name?: string }]));
      for (const doc of pending) {
        rows++;
        stream.push(rowOf(doc, doc.contactId ? byId.get(String(doc.contactId)) : undefined));
      }
      pending = [];
    };
    const toRow = new Transform({
      objectMode: true,
      transform(doc: ExportRow, _encoding, callback) {
        pending.push(doc);
        if (pending.length < BATCH) return callback();
        flushRows(this).then(() => callback(), callback);
      },
      flush(callback) {
        flushRows(this).then(() => callback(), callback);
      },
    });
    const writer = csvWriter({ bom: input.bom });
    writer.write(header.map(safeCell));
    const cursor = models.responses.collection.find(match, {
      sort: { submittedAt: 1, _id: 1 },
      projection: {
        submittedAt: 1,
        updatedAt: 1,
        score: 1,
        category: 1,
        repurchase: 1,
        comment: 1,
        channel: 1,
        contactSnapshot: 1,
        contactId: 1,
        tags: 1,
      },
      batchSize: 1000,
    });
    let finished = false;
    try {
      await pipeline(cursor.stream(), toRow, writer, input.out);
      finished = true;
    } catch (err) {
      // The client went away (or the cursor failed): the cursor is closed by the pipeline; record it.
      if (!(err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE')) {
        await models.exportLogs.updateOne(
          { _id: log._id },
          { $set: { status: 'aborted', rows, finishedAt: clock.now() } },
        );
        throw err;
      }
    }
    await models.exportLogs.updateOne(
      { _id: log._id },
      { $set: { status: finished ? 'finished' : 'aborted', rows, finishedAt: clock.now() } },
    );
    return { rows, finished };
  }

  /** The download's file name for a survey and the filters' range (up to today, for "all time"). */
  function fileName(surveyName: string, query: ResultsQuery): string {
    const period = periodOf(query, clock.now(), timeZone);
    return exportFileName(surveyName, period.fromDay, period.toDay ?? dayIn(clock.now(), timeZone));
  }

  return { exportCsv, fileName };
}

export type ExportsService = ReturnType<typeof createExportsService>;
