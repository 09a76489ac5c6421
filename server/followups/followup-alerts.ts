import type mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ResponseStore } from '../responses/response.store.js';
import type { Mailer } from '../sending/mailer.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { digestHtml } from './followup-mail.js';
import type { FollowUpStore } from './followup.store.js';
import type { UserDirectory } from './user-directory.js';

type Case = {
  _id: mongoose.Types.ObjectId;
  ownerId?: mongoose.Types.ObjectId | null;
  surveyId: mongoose.Types.ObjectId;
  responseId: mongoose.Types.ObjectId;
};
type Item = {
  url: string;
  survey: string;
  score?: number | undefined;
  category?: string | undefined;
  repurchase: string;
  comment: string;
};

/** The plain-text part of a digest, the same cases as the HTML part. */
export function digestText(subject: string, items: readonly Item[], allUrl: string): string {
  return [
    subject + '.',
    '',
    ...items.flatMap((i) => [
      `${i.survey}: score ${i.score}${i.repurchase ? `, ${i.repurchase.replace(/_/g, ' ')}` : ''}`,
      i.comment ? `"${i.comment}"` : '(no comment)',
      i.url,
      '',
    ]),
    `All open cases: ${allUrl}`,
  ].join('\n');
}

export function digestSubject(items: readonly Item[]): string {
  return items.length === 1
    ? `A ${items[0]!.category ?? 'detractor'} answer needs a follow-up`
    : `${items.length} answers need a follow-up`;
}

/**
 * Alert digests: every case not yet alerted goes to its owner (else to every admin) in one email per
 * person per run, so a burst of detractors makes one message, not a flood. Cases are claimed one by
 * one with an atomic update, so two workers never alert the same case; if the email fails, the claims
 * are released and the next run tries again. Goes through the survey email's mailer.
 */
export class FollowUpAlerts {
  constructor(
    private readonly deps: {
      cases: FollowUpStore;
      responses: ResponseStore;
      surveys: SurveyStore;
      users: UserDirectory;
      clock: Clock;
      logger?: Logger | undefined;
    },
  ) {}

  async sendDigests(input: { mailer: Mailer; baseUrl: string; mailFrom: string }): Promise<number> {
    const { cases, clock } = this.deps;
    const pending = await cases.notAlerted(500);
    if (pending.length === 0) return 0;
    const now = clock.now();
    const claimed: Case[] = [];
    for (const c of pending) if (await cases.claimAlert(c._id, now)) claimed.push(c);
    let sent = 0;
    for (const { to, mine } of await this.byRecipient(claimed)) {
      const items = await this.itemsOf(mine, input.baseUrl);
      const subject = digestSubject(items);
      const all = `${input.baseUrl}/follow-ups`;
      try {
        await input.mailer.send({
          from: input.mailFrom,
          to,
          subject,
          text: digestText(subject, items, all),
          html: digestHtml({ subject, items, all }),
          messageId: `<digest-${String(mine[0]!._id)}-${now.getTime()}@${new URL(input.baseUrl).hostname}>`,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        sent++;
      } catch (err) {
        // Not sent: release these cases for the next run (other recipients' digests stand).
        await cases.releaseAlerts(
          mine.map((c) => c._id),
          now,
        );
        this.deps.logger?.warn({ err, to }, 'follow-up digest not sent');
      }
    }
    return sent;
  }

  /** Each recipient's cases: the owner's, or every admin's when a case has no (active) owner. */
  private async byRecipient(claimed: readonly Case[]): Promise<{ to: string; mine: Case[] }[]> {
    const users = await this.deps.users.active();
    const byId = new Map(users.map((u) => [u.id, u]));
    const admins = users.filter((u) => u.role === 'admin');
    const out = new Map<string, Case[]>();
    for (const c of claimed) {
      const owner = c.ownerId ? byId.get(String(c.ownerId)) : undefined;
      for (const to of owner ? [owner] : admins) out.set(to.email, [...(out.get(to.email) ?? []), c]);
    }
    return [...out.entries()].map(([to, mine]) => ({ to, mine }));
  }

  private async itemsOf(cases: readonly Case[], baseUrl: string): Promise<Item[]> {
    const [responses, names] = await Promise.all([
      this.deps.responses.byIds(
        cases.map((c) => c.responseId),
        'score category repurchase comment',
      ),
      this.deps.surveys.names(cases.map((c) => c.surveyId)),
    ]);
    const byResponse = new Map(responses.map((r) => [String(r._id), r]));
    return cases.map((c) => {
      const r = byResponse.get(String(c.responseId));
      return {
        url: `${baseUrl}/follow-ups/${String(c._id)}`,
        survey: names.get(String(c.surveyId)) ?? '',
        score: r?.score,
        category: r?.category,
        repurchase: r?.repurchase ? REPURCHASE_LABELS[r.repurchase] : '',
        comment: r?.comment ?? '',
      };
    });
  }
}
