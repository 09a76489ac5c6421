import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../sending/mailer.js';
import { trendPng } from './report-mail.js';
import { latestOccurrence, type Occurrence, type Schedule } from './report-schedule.js';
import { recipientKey, type ReportModel, type ReportRunModel } from './report.model.js';
import { messages } from './reports.messages.js';
import type { ReportDoc, ReportsService } from './reports.service.js';

/** A claimed run older than this belongs to a worker that died: another takes it over. */
export const RUN_LEASE_MS = 10 * 60_000;

/**
 * The schedule's runs, the one writer of reportRuns. `runDue` (a background job in every worker) sends
 * each report once per period: inserting the run, unique per { reportId, day }, is the claim, and each
 * recipient is marked before and after their email, so two workers or a restart in the middle never
 * send one recipient a period's report twice. A run whose worker died is taken over after the lease;
 * a recipient caught mid-send is marked uncertain and not mailed again.
 */
export class ReportRuns {
  readonly workerId: string;

  constructor(
    private readonly deps: {
      runs: ReportRunModel;
      /** Read only here: the reports to run. */
      reports: ReportModel;
      service: ReportsService;
      mailer: Mailer;
      clock: Clock;
      timeZone: string;
      logger?: Logger | undefined;
      workerId?: string;
    },
  ) {
    this.workerId = deps.workerId ?? `reports-${randomBytes(4).toString('hex')}`;
  }

  /** The same runner under another worker id (tests run two workers side by side). */
  forWorker(workerId: string, options: { mailer?: Mailer } = {}): ReportRuns {
    return new ReportRuns({ ...this.deps, ...options, workerId });
  }

  /** The runs of the given reports, newest first (the reports page). */
  recent(reportIds: readonly mongoose.Types.ObjectId[]) {
    return this.deps.runs
      .find({ reportId: mongoose.trusted({ $in: [...reportIds] }) })
      .sort({ day: -1 })
      .limit(200)
      .lean();
  }

  /** Sends every report whose period is due; returns how many runs this worker sent. */
  async runDue(): Promise<number> {
    const { reports, runs, clock, timeZone } = this.deps;
    const now = clock.now();
    // Each report's latest period, unless the report did not exist yet when it was due.
    const due = (await reports.find({ removedAt: null }).lean())
      .map((report) => ({ report, occurrence: latestOccurrence(report as Schedule, now, timeZone) }))
      .filter(({ report, occurrence }) => occurrence.at >= report.createdAt);
    // One read says which of those periods already have a run, so a quiet minute tries no inserts.
    const claimed =
      due.length === 0
        ? []
        : await runs
            .find({ $or: due.map((d) => ({ reportId: d.report._id, day: d.occurrence.day })) })
            .select('reportId day')
            .lean();
    const taken = new Set(claimed.map((r) => `${String(r.reportId)}|${r.day}`));
    let sent = 0;
    for (const { report, occurrence } of due) {
      if (taken.has(`${String(report._id)}|${occurrence.day}`) || !(await this.claim(report._id, occurrence))) continue;
      await this.sendRun(report, occurrence, new Set());
      sent++;
    }
    sent += await this.takeOverStale();
    return sent;
  }

  /** Claims the period's run by inserting it (unique per report and day); null when another worker has it. */
  private async claim(reportId: mongoose.Types.ObjectId, o: Occurrence): Promise<boolean> {
    const now = this.deps.clock.now();
    try {
      await this.deps.runs.create({
        reportId,
        day: o.day,
        from: o.from,
        to: o.to,
        status: 'sending',
        claimedBy: this.workerId,
        claimedAt: now,
        recipients: [],
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // another worker claimed it first
      throw err;
    }
    return true;
  }

  /** Runs whose worker died (claim older than the lease): taken over; a recipient caught mid-send is not mailed again. */
  private async takeOverStale(): Promise<number> {
    const { runs, clock } = this.deps;
    const now = clock.now();
    let taken = 0;
    for (;;) {
      const run = await runs
        .findOneAndUpdate(
          { status: 'sending', claimedAt: mongoose.trusted({ $lt: new Date(now.getTime() - RUN_LEASE_MS) }) },
          { $set: { claimedBy: this.workerId, claimedAt: now } },
          { returnDocument: 'after' },
        )
        .lean();
      if (!run) return taken;
      const marks = Object.entries((run.recipients ?? {}) as Record<string, { email: string; state: string }>);
      for (const [k] of marks.filter(([, r]) => r.state === 'sending'))
        await runs.updateOne(
          { _id: run._id, [`recipients.${k}.state`]: 'sending' },
          { $set: { [`recipients.${k}.state`]: 'uncertain', [`recipients.${k}.error`]: messages.uncertain } },
        );
      const report = await this.deps.reports.findById(run.reportId).lean();
      if (report)
        await this.sendRun(
          report,
          { day: run.day, from: run.from, to: run.to, at: now },
          new Set(marks.map(([, r]) => r.email)),
        );
      else await runs.updateOne({ _id: run._id }, { $set: { status: 'sent', sentAt: now } });
      taken++;
    }
  }

  private async sendRun(report: ReportDoc, o: Occurrence, done: ReadonlySet<string>): Promise<void> {
    const { runs, mailer, clock, service } = this.deps;
    const view = await service.view(report, o);
    const png = trendPng(view.trendSvg);
    const mine = { reportId: report._id, day: o.day, claimedBy: this.workerId };
    const unsubscribed = new Set(report.unsubscribed ?? []);
    for (const recipient of report.recipients) {
      const key = `recipients.${recipientKey(recipient.email)}`;
      if (unsubscribed.has(recipient.tokenHash) || done.has(recipient.email)) continue;
      const marked = await runs.updateOne(
        { ...mine, [key]: mongoose.trusted({ $exists: false }) },
        { $set: { [key]: { email: recipient.email, state: 'sending', at: clock.now() } } },
      );
      if (marked.modifiedCount === 0) continue; // another worker took the run over, or has this recipient
      let state = 'sent';
      let error: string | undefined;
      try {
        await mailer.send(service.emailFor(report, view, png, recipient.email, o.day));
      } catch (err) {
        state = 'failed';
        error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        this.deps.logger?.warn({ report: String(report._id), day: o.day }, 'report email failed');
      }
      await runs.updateOne(
        { ...mine, [`${key}.state`]: 'sending' },
        {
          $set: { [`${key}.state`]: state, [`${key}.at`]: clock.now(), ...(error ? { [`${key}.error`]: error } : {}) },
        },
      );
    }
    await runs.updateOne(mine, { $set: { status: 'sent', sentAt: clock.now() } });
  }
}
