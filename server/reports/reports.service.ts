import { createHmac, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { addDays } from '../lib/time-zone.js';
import { hashToken } from '../lib/tokens.js';
import { urlWith } from '../results/results-view.js';
import type { ResultsQuery } from '../results/results.schemas.js';
import type { Mailer } from '../sending/mailer.js';
import { filtersTextOf, reportView, type ReportView } from './report-content.js';
import { gatherReport, type GatherDeps } from './report-data.js';
import { reportEmail, reportPageHtml, trendPng } from './report-mail.js';
import { latestOccurrence, nextOccurrence, type Occurrence, type Schedule } from './report-schedule.js';
import type { ReportModel } from './report.model.js';
import { messages } from './reports.messages.js';
import type { ReportInput } from './reports.schemas.js';

type Id = mongoose.Types.ObjectId;
export type ReportDoc = NonNullable<Awaited<ReturnType<ReportsService['find']>>>;

export interface ReportsDeps extends GatherDeps {
  reports: ReportModel;
  userEmails(ids: readonly string[]): Promise<Map<string, string>>;
  mailer: Mailer;
  mailFrom: string;
  baseUrl: string;
  /** Keys the recipients' unsubscribe tokens (derived, so each email can carry one; stored hashed). */
  secret: string;
  clock: Clock;
  timeZone: string;
  logger?: Logger | undefined;
}

/**
 * Scheduled email reports: the one writer of reports. What a report says for a period (`view`), its
 * email, the preview and "send now"; the schedule's runs are report-runs.ts.
 */
export class ReportsService {
  constructor(private readonly deps: ReportsDeps) {}

  private tokenFor(reportId: Id, email: string): string {
    return createHmac('sha256', this.deps.secret)
      .update(`report-unsubscribe:${String(reportId)}:${email}`)
      .digest('base64url');
  }

  async create(input: ReportInput, createdBy: string | undefined): Promise<string> {
    if (input.surveyId && (await this.deps.overall.surveysOf(input.surveyId)).length === 0)
      throw new ValidationError(messages.noSurvey, { surveyId: messages.noSurvey });
    const users = await this.deps.userEmails(input.userIds);
    const emails = [...new Set([...users.values(), ...input.addresses])];
    if (emails.length === 0) throw new ValidationError(messages.noRecipients, { addresses: messages.noRecipients });
    const _id = new mongoose.Types.ObjectId();
    const byEmail = new Map([...users].map(([id, email]) => [email, id]));
    await this.deps.reports.create({
      _id,
      name: input.name,
      ...(input.surveyId ? { surveyId: input.surveyId } : {}),
      frequency: input.frequency,
      ...(input.frequency === 'weekly' ? { weekday: input.weekday } : {}),
      ...(input.frequency === 'monthly' ? { monthDay: input.monthDay } : {}),
      sendTime: input.sendTime,
      filters: { prop: input.prop, value: input.value, channel: input.channel, tag: input.tag },
      followUpAgeDays: input.followUpAgeDays,
      recipients: emails.map((email) => ({
        email,
        ...(byEmail.has(email) ? { userId: byEmail.get(email) } : {}),
        tokenHash: hashToken(this.tokenFor(_id, email)),
      })),
      createdBy,
      createdAt: this.deps.clock.now(),
    });
    return String(_id);
  }

  find(id: string) {
    return mongoose.isValidObjectId(id) ? this.deps.reports.findOne({ _id: id, removedAt: null }).lean() : null;
  }

  async get(id: string): Promise<ReportDoc> {
    const found = await this.find(id);
    if (!found) throw new NotFoundError(messages.notFound, 'REPORT_NOT_FOUND');
    return found;
  }

  async list() {
    const docs = await this.deps.reports.find({ removedAt: null }).sort({ createdAt: 1 }).lean();
    const now = this.deps.clock.now();
    return docs.map((d) => ({ ...d, id: String(d._id), next: nextOccurrence(d as Schedule, now, this.deps.timeZone) }));
  }

  async remove(id: string): Promise<void> {
    const report = await this.get(id);
    await this.deps.reports.updateOne({ _id: report._id }, { $set: { removedAt: this.deps.clock.now() } });
  }

  /** The report for one period, as every output reads it. */
  async view(report: ReportDoc, occurrence: Pick<Occurrence, 'from' | 'to'>): Promise<ReportView> {
    const { baseUrl, timeZone } = this.deps;
    const f = report.filters ?? {};
    const filters = {
      prop: f.prop ?? undefined,
      value: f.value ?? undefined,
      channel: f.channel ?? undefined,
      tag: f.tag ?? undefined,
    };
    const query = {
      range: 'custom',
      from: occurrence.from,
      to: occurrence.to,
      interval: 'auto',
      comments: 'all',
      ...filters,
    } as ResultsQuery;
    // The trend: 12 weeks by week (12 months by month for a monthly report), to the period's end.
    const monthly = report.frequency === 'monthly';
    const trendFrom = monthly ? `${shiftMonths(occurrence.to, -11)}-01` : addDays(occurrence.to, -83);
    const trendQuery = { ...query, from: trendFrom, interval: monthly ? 'month' : 'week' } as ResultsQuery;
    const data = await gatherReport(this.deps, {
      surveyId: report.surveyId ? String(report.surveyId) : undefined,
      query,
      trendQuery,
      ageDays: report.followUpAgeDays ?? 3,
    });
    const resultsBase = report.surveyId ? `${baseUrl}/surveys/${String(report.surveyId)}/results` : `${baseUrl}/`;
    return reportView({
      title: report.name,
      periodText: occurrence.from === occurrence.to ? occurrence.from : `${occurrence.from} to ${occurrence.to}`,
      timeZone,
      ...data,
      resultsUrl: urlWith(resultsBase, { range: 'custom', from: occurrence.from, to: occurrence.to, ...filters }, {}),
      baseUrl,
      filtersText: filtersTextOf(filters),
      allSurveys: !report.surveyId,
    });
  }

  /** The last complete period's report as a page (chart as inline SVG). */
  async preview(id: string): Promise<{ report: ReportDoc; occurrence: Occurrence; html: string }> {
    const report = await this.get(id);
    const occurrence = latestOccurrence(report, this.deps.clock.now(), this.deps.timeZone);
    const view = await this.view(report, occurrence);
    return { report, occurrence, html: reportPageHtml(view) };
  }

  /** "Send now to me": the last complete period's report to one address, outside the schedule. */
  async sendNow(id: string, to: string): Promise<void> {
    const report = await this.get(id);
    const occurrence = latestOccurrence(report, this.deps.clock.now(), this.deps.timeZone);
    const view = await this.view(report, occurrence);
    await this.deps.mailer.send(
      this.emailFor(report, view, trendPng(view.trendSvg), to, `now-${randomBytes(6).toString('hex')}`),
    );
  }

  /** One recipient's email of a report view (the run's `key` makes its Message-ID). */
  emailFor(report: ReportDoc, view: ReportView, png: Buffer, to: string, key: string) {
    const host = new URL(this.deps.baseUrl).hostname;
    const subscribed = report.recipients.some((r) => r.email === to);
    return reportEmail({
      view,
      png,
      to,
      from: this.deps.mailFrom,
      unsubscribeUrl: subscribed ? `${this.deps.baseUrl}/ru/${this.tokenFor(report._id, to)}` : undefined,
      messageId: `<report-${String(report._id)}-${key}-${hashToken(to).slice(0, 12)}@${host}>`,
      listId: `${report.name.replace(/[^\w .-]/g, '').slice(0, 60)} <report-${String(report._id)}.${host}>`,
    });
  }

  /** The report and address an unsubscribe token stands for, or null. */
  async unsubscribeLookup(token: string): Promise<{ name: string; email: string; done: boolean } | null> {
    const tokenHash = hashToken(token);
    const report = await this.deps.reports.findOne({ 'recipients.tokenHash': tokenHash }).lean();
    const recipient = report?.recipients.find((r) => r.tokenHash === tokenHash);
    return report && recipient
      ? { name: report.name, email: recipient.email, done: (report.unsubscribed ?? []).includes(tokenHash) }
      : null;
  }

  /** Takes the address off the report (idempotent). */
  async unsubscribe(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    await this.deps.reports.updateOne(
      { 'recipients.tokenHash': tokenHash },
      { $addToSet: { unsubscribed: tokenHash } },
    );
  }
}

/** YYYY-MM of the month `n` months from the day's month. */
function shiftMonths(day: string, n: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}
