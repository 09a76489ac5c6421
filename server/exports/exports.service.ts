import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { dayIn } from '../lib/time-zone.js';
import type { ResponseModel } from '../responses/response.model.js';
import { periodOf, type Period } from '../results/periods.js';
import type { ResultsQuery } from '../results/results.schemas.js';
import type { ExtraQuestion } from '../surveys/extra-questions.js';
import { COUNTED_REVIEW_STATES } from '../vocabulary/answers.js';
import type { Language } from '../vocabulary/languages.js';
import { csvWriter } from './csv.js';
import type { ExportLogModel } from './export-log.model.js';
import { exportFileName, headerOf, rowOf, type ExportContext, type ExportRow } from './export-rows.js';

/** Contacts are fetched for a thousand rows at a time (one _id $in query), not joined row by row. */
const BATCH = 1000;

export interface ExportsDeps {
  /** Read only: the rows come from one cursor over the responses. */
  responses: ResponseModel;
  contacts: ContactStore;
  logs: ExportLogModel;
  /** Property names the survey's answers carry (the property columns). */
  propertyKeys: (surveyId: mongoose.Types.ObjectId) => Promise<string[]>;
  /** Each response's follow-up status, for a survey. */
  followUpStatuses: (surveyId: mongoose.Types.ObjectId) => Promise<Map<string, string>>;
  clock: Clock;
  timeZone: string;
}

export interface ExportRequest {
  survey: { id: string; name: string; extraQuestions?: ExtraQuestion[]; language?: Language };
  query: ResultsQuery;
  bom: boolean;
  userId: string | undefined;
  /** When the export came through the API. */
  apiKeyId?: string | undefined;
  out: Writable;
}

/** The counted responses a results page shows, as a driver filter. */
function matchOf(surveyId: mongoose.Types.ObjectId, period: Period, query: ResultsQuery): Record<string, unknown> {
  const match: Record<string, unknown> = { surveyId, review: { $in: [...COUNTED_REVIEW_STATES] } };
  if (period.start || period.end)
    match.submittedAt = { ...(period.start ? { $gte: period.start } : {}), ...(period.end ? { $lt: period.end } : {}) };
  if (query.channel) match.channel = query.channel;
  if (query.prop) match[`contactSnapshot.${query.prop}`] = query.value;
  if (query.tag) match.tags = query.tag;
  return match;
}

/**
 * Streams a survey's counted responses as CSV, with the filters of the results page: rows leave as
 * they come from one database cursor, so memory stays flat whatever the size. When the client goes
 * away, the pipeline is destroyed and the cursor closed. Every export is logged (who, when, filters,
 * rows, finished or not) in `exportLogs`, written only here.
 */
export class ExportsService {
  constructor(private readonly deps: ExportsDeps) {}

  async exportCsv(input: ExportRequest): Promise<{ rows: number; finished: boolean }> {
    const { clock, logs } = this.deps;
    const surveyId = new mongoose.Types.ObjectId(input.survey.id);
    const period = periodOf(input.query, clock.now(), this.deps.timeZone);
    // Follow-ups are one per unhappy response at most: read once, not looked up per row.
    const [properties, followUps] = await Promise.all([
      this.deps.propertyKeys(surveyId),
      this.deps.followUpStatuses(surveyId),
    ]);
    const questions = input.survey.extraQuestions ?? [];
    const language = input.survey.language ?? 'en';
    const ctx: ExportContext = {
      surveyName: input.survey.name,
      properties,
      timeZone: this.deps.timeZone,
      followUps,
      questions,
      language,
    };
    const { query } = input;
    const filters = {
      range: query.range,
      from: period.fromDay,
      to: period.toDay,
      prop: query.prop,
      value: query.value,
      channel: query.channel,
      tag: query.tag,
    };
    const log = await logs.create({
      userId: input.userId,
      apiKeyId: input.apiKeyId,
      surveyId,
      filters,
      startedAt: clock.now(),
    });
    const rows = { n: 0 };
    const writer = csvWriter({ bom: input.bom });
    writer.write(headerOf(properties, questions, language));
    let finished = false;
    try {
      await pipeline(this.cursor(matchOf(surveyId, period, query)).stream(), this.toRows(ctx, rows), writer, input.out);
      finished = true;
    } catch (err) {
      // The client went away (or the cursor failed): the cursor is closed by the pipeline; record it.
      if (!(err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE')) {
        await logs.updateOne({ _id: log._id }, { $set: { status: 'aborted', rows: rows.n, finishedAt: clock.now() } });
        throw err;
      }
    }
    await logs.updateOne(
      { _id: log._id },
      { $set: { status: finished ? 'finished' : 'aborted', rows: rows.n, finishedAt: clock.now() } },
    );
    return { rows: rows.n, finished };
  }

  /** The download's file name for a survey and the filters' range (up to today, for "all time"). */
  fileName(surveyName: string, query: ResultsQuery): string {
    const { clock, timeZone } = this.deps;
    const period = periodOf(query, clock.now(), timeZone);
    return exportFileName(surveyName, period.fromDay, period.toDay ?? dayIn(clock.now(), timeZone));
  }

  private cursor(match: Record<string, unknown>) {
    return this.deps.responses.collection.find(match, {
      sort: { submittedAt: 1, _id: 1 },
      projection: {
        submittedAt: 1,
        firstSubmittedAt: 1,
        updatedAt: 1,
        score: 1,
        category: 1,
        repurchase: 1,
        comment: 1,
        channel: 1,
        contactSnapshot: 1,
        contactId: 1,
        tags: 1,
        answers: 1,
      },
      batchSize: 1000,
    });
  }

  /** Responses in, CSV rows out, with each batch's contacts read at once; counts the rows in `rows.n`. */
  private toRows(ctx: ExportContext, rows: { n: number }): Transform {
    const contacts = this.deps.contacts;
    let pending: ExportRow[] = [];
    const flush = async (stream: Transform) => {
      const ids = [...new Set(pending.flatMap((d) => (d.contactId ? [String(d.contactId)] : [])))].map(
        (id) => new mongoose.Types.ObjectId(id),
      );
      const byId = await contacts.byIds<{ _id: mongoose.Types.ObjectId; email?: string; name?: string }>(
        ids,
        'email name',
      );
      for (const doc of pending) {
        rows.n++;
        stream.push(rowOf(doc, doc.contactId ? byId.get(String(doc.contactId)) : undefined, ctx));
      }
      pending = [];
    };
    return new Transform({
      objectMode: true,
      transform(doc: ExportRow, _encoding, callback) {
        pending.push(doc);
        if (pending.length < BATCH) return callback();
        flush(this).then(() => callback(), callback);
      },
      flush(callback) {
        flush(this).then(() => callback(), callback);
      },
    });
  }
}
