import { randomBytes, randomInt } from 'node:crypto';
import type mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { plainProperties } from '../lib/properties.js';
import { WriteBehind } from '../lib/write-behind.js';
import { surveyDetailOf } from '../surveys/survey-detail.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import type { DeliveredValuesPort, SentMessage } from './delivered-port.js';
import { sendOutcome } from './delivery-outcome.js';
import { deliveryBlock } from './eligibility.js';
import type { ClaimedInvitation, InvitationStore } from './invitation.store.js';
import { asDeliveryError, DeliveryError, type Mailer } from './mailer.js';
import { ReminderSender } from './reminders.js';
import { DEFAULT_SEND_POLICY, type SendPolicy } from './send-policy.js';
import type { SendQueue } from './send-queue.service.js';
import { messages } from './sending.messages.js';
import type { ActiveSurvey, MailContact, SurveyMail } from './survey-mail.js';

type Id = mongoose.Types.ObjectId;

export type { SendPolicy } from './send-policy.js';

type ContactForSend = MailContact & {
  _id: Id;
  unsubscribedAt?: Date | null;
  suppressedAt?: Date | null;
  properties?: Record<string, string> | null;
};
type Delivered = { id: Id; n: number; properties: Record<string, string>[] };

export interface SendWorkerDeps {
  invitations: InvitationStore;
  surveys: SurveyStore;
  contacts: ContactStore;
  /** The per-property-value delivered counts (results domain). */
  deliveredValues?: DeliveredValuesPort;
  queue: SendQueue;
  mail: SurveyMail;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  policy?: Partial<SendPolicy>;
  workerId?: string;
}

/**
 * A send worker. Any number may run, in any number of processes: each invitation is claimed by one
 * atomic update (queued -> sending) and every later move names `sending` and the claiming worker in
 * its filter (invitation.store.ts), so no invitation is sent twice. See server/sending/README.md.
 */
export class SendWorker {
  readonly id: string;
  readonly policy: SendPolicy;
  private readonly reminders: ReminderSender;
  private lastBatchClaimed = false;
  private lastLookAt = 0;
  private activeSurveys: ActiveSurvey[] | undefined;
  // Due invitations this worker will try to claim next, read in one query and used across batches (in
  // a shuffled order, so workers seldom reach for the same one), and read again when used up or a few
  // seconds old. One read per thousand candidates instead of one per batch: an engine that scans for
  // this query (mongo-java-server) no longer reads past everything already sent for every batch.
  private candidates: ClaimedInvitation[] = [];
  private candidatesAt = 0;
  // An idle worker does not read the due invitations every second (on an engine without secondary
  // indexes each read scans every invitation): after an empty read the next waits idleMs, then twice
  // that, up to idleLookMaxMs, until a queueing request runs or a claim succeeds.
  private idleLookMs = 0;
  private nextLookAt = 0;
  // Delivered counts (the response rate's denominator, with the end of the survey's failure streak):
  // while full batches keep going out, one write per survey a second instead of one per batch, which
  // also keeps the workers off the survey document under load. Written when a batch is not full (the
  // send is ending), before a failure is counted, and on stop; a crash loses at most a second's
  // counts, as it could lose a batch's before, and `npm run results:rebuild` recounts them.
  private readonly delivered: WriteBehind<Delivered>;

  constructor(private readonly deps: SendWorkerDeps) {
    this.policy = { ...DEFAULT_SEND_POLICY, ...deps.policy };
    this.id = deps.workerId ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
    this.reminders = new ReminderSender({ ...deps, workerId: this.id, policy: this.policy });
    deps.queue.onQueued(() => (this.idleLookMs = 0));
    const write = async (items: Delivered[]) => {
      await Promise.all([
        deps.surveys.recordDelivered(summed(items)),
        deps.deliveredValues?.recordDelivered(items.map((d) => ({ surveyId: d.id, properties: d.properties }))),
      ]);
    };
    this.delivered = new WriteBehind(write, {
      delayMs: 1000,
      maxItems: 10_000,
      onError: (err) =>
        deps.logger.error({ err }, 'delivered counts not written; npm run results:rebuild recounts them'),
    });
  }

  /** Writes the delivered counts still waiting (on stop, and in tests). */
  flush(): Promise<void> {
    return this.delivered.flush();
  }

  /**
   * Invitations left in `sending` by a worker that stopped mid-send (its claim is older than the
   * lease) become uncertain: the message may or may not have reached the mail server, so it is not
   * sent again unless a manager asks.
   */
  async recoverStale(): Promise<number> {
    const n = await this.deps.invitations.recoverStale(new Date(this.deps.clock.now().getTime() - this.policy.leaseMs));
    if (n > 0) this.deps.logger.warn({ count: n }, 'invitations left mid-send by a stopped worker are now uncertain');
    return n;
  }

  /** Claims up to `concurrency` due invitations of active surveys (and due reminders) and sends them. Returns how many. */
  async runOnce(): Promise<number> {
    // While a send is under way (the last batch claimed something), queueing requests and the list
    // of active surveys are looked at once a second, not before every batch; otherwise every time.
    const t = performance.now();
    const busy = this.lastBatchClaimed && this.activeSurveys !== undefined && t - this.lastLookAt < 1000;
    // Queueing requests first: they turn into the invitations sent below.
    const queuedRun = busy ? false : await this.deps.queue.runPending(this.id, this.policy.leaseMs);
    const surveys = busy && this.activeSurveys ? this.activeSurveys : await this.loadSurveys();
    if (!busy) {
      this.lastLookAt = t;
      this.activeSurveys = surveys;
    }
    if (queuedRun) this.idleLookMs = 0;
    if (surveys.length === 0) return queuedRun ? 1 : 0;
    const claimed = await this.claimBatch(
      surveys.map((s) => s._id),
      this.policy.concurrency,
    );
    const reminders = await this.reminders.claimDue(surveys, this.policy.concurrency - claimed.length);
    const contacts = await this.deps.contacts.byIds<ContactForSend>(
      claimed.map((inv) => inv.contactId),
      '_id email name locale unsubscribedAt suppressedAt properties',
    );
    const byId = new Map(surveys.map((s) => [s.id, s]));
    const [sent] = await Promise.all([
      Promise.all(claimed.map((inv) => this.deliver(inv, byId, contacts))),
      Promise.all(reminders.map((r) => this.reminders.deliver(r.inv, r.survey))),
    ]);
    await this.settleSent(claimed, sent);
    if (claimed.length < this.policy.concurrency) await this.delivered.flush();
    this.lastBatchClaimed = claimed.length > 0;
    return claimed.length + reminders.length + (queuedRun ? 1 : 0);
  }

  /**
   * Claims up to `limit` due invitations from the candidate list. When two workers pick the same
   * candidate, exactly one claim matches and the other simply moves on.
   */
  private async claimBatch(activeSurveys: Id[], limit: number): Promise<ClaimedInvitation[]> {
    const now = this.deps.clock.now();
    let fresh = false;
    const refill = async () => {
      if (now.getTime() < this.nextLookAt && this.idleLookMs > 0) return;
      this.candidates = await this.deps.invitations.dueCandidates(activeSurveys, now, this.policy.candidateBuffer);
      shuffle(this.candidates);
      this.candidatesAt = now.getTime();
      fresh = true;
      const { idleMs, idleLookMaxMs } = this.policy;
      this.idleLookMs =
        this.candidates.length > 0 ? 0 : Math.min(idleLookMaxMs, this.idleLookMs === 0 ? idleMs : this.idleLookMs * 2);
      this.nextLookAt = now.getTime() + this.idleLookMs;
    };
    if (now.getTime() - this.candidatesAt > this.policy.candidateTtlMs) await refill();
    const claimed: ClaimedInvitation[] = [];
    while (claimed.length < limit) {
      // An old list that ran dry (others sent the rest) is read again once before giving up.
      if (this.candidates.length === 0) {
        if (fresh) break;
        await refill();
        if (this.candidates.length === 0) break;
      }
      // As many claims as are still wanted, in one round trip; those another worker won do not match.
      const tries = this.candidates.splice(-Math.min(limit - claimed.length, this.candidates.length));
      claimed.push(...(await this.deps.invitations.claim(tries, this.id, now)));
    }
    return claimed;
  }

  /**
   * Sends one claimed invitation. One that did not go out is settled here (released, suppressed,
   * retried, failed or uncertain); one the mail server accepted is returned, to be settled with the
   * rest of the batch (settleSent). A crash before that leaves it `sending`: uncertain after the
   * lease, never resent.
   */
  private async deliver(
    inv: ClaimedInvitation,
    surveys: Map<string, ActiveSurvey>,
    contacts: Map<string, ContactForSend>,
  ): Promise<Omit<SentMessage, 'id' | 'surveyId'> | undefined> {
    const { invitations, mailer, clock } = this.deps;
    const survey = surveys.get(String(inv.surveyId));
    if (!survey) {
      // Claimed for a survey that is no longer in this batch's active list: leave it for later.
      await invitations.release(inv._id, this.id);
      return undefined;
    }
    const contact = contacts.get(String(inv.contactId));
    const blocked = deliveryBlock(contact);
    if (blocked !== undefined || !contact) {
      await invitations.markSuppressed(inv._id, this.id, blocked ?? 'contact deleted');
      return undefined;
    }
    let message;
    try {
      message = await this.deps.mail.compose(inv, survey, contact, false);
    } catch (err) {
      // Nothing left this process: safe to retry.
      await this.failed(inv, new DeliveryError('transient', err instanceof Error ? err.message : String(err)));
      return undefined;
    }
    try {
      await mailer.send(message);
    } catch (err) {
      await this.failed(inv, asDeliveryError(err));
      return undefined;
    }
    return { messageId: message.messageId, at: clock.now(), properties: plainProperties(contact.properties) };
  }

  /**
   * The batch's sent messages settled in one bulk write per survey; what this worker settled goes to
   * the surveys' delivered counts (written behind, see `delivered`).
   */
  private async settleSent(
    claimed: readonly ClaimedInvitation[],
    sent: ReadonlyArray<Omit<SentMessage, 'id' | 'surveyId'> | undefined>,
  ): Promise<void> {
    const bySurvey = new Map<string, { id: Id; items: SentMessage[] }>();
    claimed.forEach((inv, i) => {
      const message = sent[i];
      if (!message) return;
      const key = String(inv.surveyId);
      if (!bySurvey.has(key)) bySurvey.set(key, { id: inv.surveyId, items: [] });
      bySurvey.get(key)!.items.push({ id: inv._id, surveyId: inv.surveyId, ...message });
    });
    for (const { id, items } of bySurvey.values()) {
      const settled = await this.deps.invitations.markSentMany(this.id, items);
      const properties = settled.map((m) => m.properties);
      if (settled.length > 0) this.delivered.add({ id, n: settled.length, properties });
    }
  }

  /** Settles an invitation whose email did not go out (delivery-outcome.ts); transient failures count toward the pause. */
  private async failed(inv: ClaimedInvitation, error: DeliveryError): Promise<void> {
    const { invitations, contacts, clock } = this.deps;
    const outcome = sendOutcome(error.kind, error.message, inv.attempts, this.policy, clock.now());
    if (outcome.kind === 'uncertain') {
      await invitations.markUncertain(inv._id, this.id, outcome.error);
      return;
    }
    if (outcome.kind === 'retry') await invitations.retryLater(inv._id, this.id, outcome.error, outcome.at);
    else await invitations.markFailed(inv._id, this.id, outcome.error);
    if (outcome.kind === 'failed' && outcome.suppress) {
      await contacts.suppress(inv.contactId, error.message, clock.now());
      return;
    }
    await this.countFailure(inv.surveyId, error.message);
  }

  /** One more transient failure for the survey; at the limit its sending pauses, through the survey's status rules. */
  private async countFailure(surveyId: Id, lastError: string): Promise<void> {
    await this.delivered.flush(); // a success written later would end the streak counted here
    const streak = await this.deps.surveys.recordSendFailure(surveyId);
    if (streak < this.policy.failureStreakLimit) return;
    const reason = messages.pausedAfterFailures(streak, lastError);
    if (await this.deps.surveys.transition(surveyId, 'pause', reason))
      this.deps.logger.warn({ surveyId: String(surveyId) }, reason);
  }

  private async loadSurveys(): Promise<ActiveSurvey[]> {
    return (await this.deps.surveys.active()).map((d) => {
      const survey = surveyDetailOf(d);
      return {
        ...survey,
        _id: d._id,
        reminderAfterMs: survey.reminderEnabled ? survey.reminderAfterDays * 86_400_000 : undefined,
      };
    });
  }
}

function summed(items: readonly Delivered[]): Map<string, { id: Id; n: number }> {
  const out = new Map<string, { id: Id; n: number }>();
  for (const { id, n } of items) out.set(String(id), { id, n: (out.get(String(id))?.n ?? 0) + n });
  return out;
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
