import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Sealer } from '../lib/seal.js';
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import type { SkipReason } from '../sending/eligibility.js';
import { newInvitationDoc } from '../sending/new-invitation.js';
import {
  autopilotSettingsOf,
  type AutopilotSettings,
  type AutopilotSurveyDoc as SurveyDoc,
} from '../surveys/autopilot-settings.js';
import type { AutopilotSettingsInput } from './autopilot.schemas.js';

const DAY = 86_400_000;
/** Contacts looked at per database round trip when running a schedule. */
const BATCH = 500;
/** Invitations one run queues at most, so a run stays well inside its lease. */
const MAX_PER_RUN = 5000;
const LEASE_MS = 5 * 60_000;
/** How often the schedule looks for contacts it does not know yet (new imports, API upserts). */
const SYNC_EVERY_MS = 10 * 60_000;

/** A number in [0, 1) from a hash of the parts: the same every time, in every process. */
function hashFraction(...parts: string[]): number {
  return createHash('sha256').update(parts.join(':')).digest().readUInt32BE(0) / 2 ** 32;
}

/** Whether the contact is in this cycle's sample: decided by a hash, so every worker and the forecast agree. */
export function inSample(surveyId: string, contactId: string, cycle: number, percent: number): boolean {
  return percent >= 100 || hashFraction('sample', surveyId, contactId, String(cycle)) < percent / 100;
}

/** A signup date from a contact property (2026-03-01, or any date Date.parse reads); undefined if none. */
export function parseJoinDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const v = value.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

function isDuplicateKeyError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] };
  if (e.code === 11000) return !e.writeErrors || e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
  return (
    Array.isArray(e.writeErrors) &&
    e.writeErrors.length > 0 &&
    e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000)
  );
}

/** Inserts, ignoring documents whose unique key is already there (another worker or an earlier run wrote them). */
async function insertIgnoringDuplicates(collection: mongoose.mongo.Collection, docs: object[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
}

type ContactState = {
  _id: mongoose.Types.ObjectId;
  unsubscribedAt?: Date | null;
  suppressedAt?: Date | null;
  lastSurveyedAt?: Date | null;
};
type Entry = {
  _id: mongoose.Types.ObjectId;
  contactId: mongoose.Types.ObjectId;
  dueAt: Date;
  cycle: number;
  firstDueBasis: string;
  joinedAt?: Date | null;
  heldReason?: string | null;
  lastInvitedAt?: Date | null;
  lastOutcome?: string | null;
  lastOutcomeAt?: Date | null;
};

/** What the schedule does with one due entry, given the contact as it is now. */
type Decision =
  { kind: 'skip'; reason: SkipReason } | { kind: 'hold'; until: Date } | { kind: 'invite' } | { kind: 'gone' };

function decide(
  survey: { id: string; settings: AutopilotSettings },
  entry: Entry,
  contact: ContactState | undefined,
  now: Date,
): Decision {
  if (!contact) return { kind: 'gone' };
  if (contact.unsubscribedAt) return { kind: 'skip', reason: 'unsubscribed' };
  if (contact.suppressedAt) return { kind: 'skip', reason: 'suppressed' };
  const { throttleDays, samplePercent } = survey.settings;
  if (contact.lastSurveyedAt && throttleDays > 0) {
    const until = new Date(contact.lastSurveyedAt.getTime() + throttleDays * DAY);
    if (until > now) return { kind: 'hold', until };
  }
  if (!inSample(survey.id, String(entry.contactId), entry.cycle, samplePercent))
    return { kind: 'skip', reason: 'not_sampled' };
  return { kind: 'invite' };
}

/**
 * Autopilot: relationship NPS on a schedule. Every eligible contact is surveyed once every N days,
 * spread evenly over the period; new contacts join after a delay. One worker at a time runs a survey's
 * schedule (a lease on the survey), and each cycle's invitation has a unique key, so however many
 * workers run, nobody is invited twice for one cycle. See server/autopilot/README.md.
 */
export function createAutopilotService(deps: {
  models: Models;
  clock: Clock;
  sealer: Sealer;
  timeZone: string;
  logger?: Logger;
}) {
  const { models, clock, sealer, timeZone } = deps;

  function surveyObjectId(id: string): mongoose.Types.ObjectId {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
    return new mongoose.Types.ObjectId(id);
  }

  /**
   * Enrols contacts the schedule does not know yet. On the first run after autopilot is turned on,
   * contacts already past their join delay are spread evenly over the first period (in a hashed order,
   * so import order does not decide who goes first); later arrivals are due at join date + delay, or,
   * if that has passed, at a hashed point within the next period.
   */
  async function sync(survey: SurveyDoc, settings: AutopilotSettings, now: Date): Promise<number> {
    const surveyId = survey._id;
    const period = settings.everyDays * DAY;
    const delay = settings.newContactDelayDays * DAY;
    const initial = !survey.autopilot?.initialSyncDone;
    const start = settings.startedAt ?? now;
    const enrolled = new Set((await models.autopilotEntries.distinct('contactId', { surveyId })).map(String));
    const prop = settings.joinDateProperty;
    const projection: Record<string, 1> = { _id: 1, createdAt: 1 };
    if (prop) projection[`properties.${prop}`] = 1;
    const docs: object[] = [];
    const toSpread: { contactId: mongoose.Types.ObjectId; joinedAt: Date; order: number }[] = [];
    let added = 0;
    const flush = async (force: boolean) => {
      if (docs.length >= 1000 || (force && docs.length > 0)) {
        added += docs.length;
        await insertIgnoringDuplicates(models.autopilotEntries.collection, docs.splice(0));
      }
    };
    for await (const c of models.contacts.collection.find({}, { projection })) {
      const contactId = c._id;
      if (enrolled.has(String(contactId))) continue;
      const props = (c.properties ?? {}) as Record<string, unknown>;
      const joinedAt =
        (prop ? parseJoinDate(props[prop]) : undefined) ?? (c.createdAt instanceof Date ? c.createdAt : now);
      const eligibleFrom = new Date(joinedAt.getTime() + delay);
      const base = { surveyId, contactId, cycle: 0, joinedAt };
      if (eligibleFrom > (initial ? start : now)) {
        docs.push({ ...base, dueAt: eligibleFrom, firstDueBasis: 'joined' });
      } else if (initial) {
        toSpread.push({ contactId, joinedAt, order: hashFraction('spread', String(surveyId), String(contactId)) });
      } else {
        docs.push({
          ...base,
          dueAt: new Date(now.getTime() + hashFraction('spread', String(surveyId), String(contactId)) * period),
          firstDueBasis: 'spread',
        });
      }
      await flush(false);
    }
    toSpread.sort((a, b) => a.order - b.order);
    const step = toSpread.length > 0 ? period / toSpread.length : 0;
    for (const [i, s] of toSpread.entries()) {
      docs.push({
        surveyId,
        contactId: s.contactId,
        cycle: 0,
        joinedAt: s.joinedAt,
        dueAt: new Date(start.getTime() + i * step),
        firstDueBasis: 'spread',
      });
      await flush(false);
    }
    await flush(true);
    await models.surveys.updateOne(
      { _id: surveyId },
      { $set: { 'autopilot.initialSyncDone': true, 'autopilot.syncedAt': now } },
    );
    return added;
  }

  /** Queues what is due for one survey, within its daily cap. Returns how many invitations it queued. */
  async function processDue(
    survey: SurveyDoc,
    settings: AutopilotSettings,
    now: Date,
  ): Promise<{ queued: number; skipped: number; held: number }> {
    const surveyId = survey._id;
    const id = String(surveyId);
    const period = settings.everyDays * DAY;
    const today = dayIn(now, timeZone);
    const queuedToday = survey.autopilot?.capDay === today ? (survey.autopilot.queuedOnCapDay ?? 0) : 0;
    let capLeft = settings.dailyCap === undefined ? Infinity : Math.max(0, settings.dailyCap - queuedToday);
    const totals = { queued: 0, skipped: 0, held: 0 };
    while (totals.queued < MAX_PER_RUN) {
      const due = await models.autopilotEntries
        .find({ surveyId, dueAt: mongoose.trusted({ $lte: now }) })
        .sort({ dueAt: 1 })
        .limit(BATCH)
        .lean<Entry[]>();
      if (due.length === 0) break;
      const contacts = new Map(
        (
          await models.contacts
            .find({ _id: mongoose.trusted({ $in: due.map((e) => e.contactId) }) })
            .select('_id unsubscribedAt suppressedAt lastSurveyedAt')
            .lean<ContactState[]>()
        ).map((c) => [String(c._id), c]),
      );
      const invitations: object[] = [];
      const invited: mongoose.Types.ObjectId[] = [];
      const skips: object[] = [];
      const entryUpdates: mongoose.mongo.AnyBulkWriteOperation[] = [];
      const gone: mongoose.Types.ObjectId[] = [];
      let capReached = false;
      for (const entry of due) {
        const decision = decide({ id, settings }, entry, contacts.get(String(entry.contactId)), now);
        const filter = { _id: entry._id, cycle: entry.cycle };
        if (decision.kind === 'gone') {
          gone.push(entry._id);
        } else if (decision.kind === 'hold') {
          totals.held++;
          entryUpdates.push({
            updateOne: { filter, update: { $set: { dueAt: decision.until, heldReason: 'throttle' } } },
          });
        } else if (decision.kind === 'skip') {
          totals.skipped++;
          let next = entry.dueAt.getTime() + period;
          if (next <= now.getTime()) next = now.getTime() + period;
          skips.push({ surveyId, contactId: entry.contactId, reason: decision.reason, at: now });
          entryUpdates.push({
            updateOne: {
              filter,
              update: {
                $set: {
                  cycle: entry.cycle + 1,
                  dueAt: new Date(next),
                  lastOutcome: `skipped: ${decision.reason}`,
                  lastOutcomeAt: now,
                },
                $unset: { heldReason: 1 },
              },
            },
          });
        } else if (capLeft <= 0) {
          capReached = true;
          if (entry.heldReason !== 'daily_cap')
            entryUpdates.push({ updateOne: { filter, update: { $set: { heldReason: 'daily_cap' } } } });
        } else {
          capLeft--;
          totals.queued++;
          invitations.push(
            newInvitationDoc(sealer, {
              surveyId,
              contactId: entry.contactId,
              now,
              source: 'autopilot',
              dedupeKey: `ap:${id}:${String(entry.contactId)}:${entry.cycle}`,
            }),
          );
          invited.push(entry.contactId);
          // The next cycle starts a full period after this invitation: never twice within N days.
          entryUpdates.push({
            updateOne: {
              filter,
              update: {
                $set: {
                  cycle: entry.cycle + 1,
                  dueAt: new Date(now.getTime() + period),
                  lastInvitedAt: now,
                  lastOutcome: 'invited',
                  lastOutcomeAt: now,
                },
                $unset: { heldReason: 1 },
              },
            },
          });
        }
      }
      // Invitation first (its unique key makes a repeat harmless), then the contact's throttle date,
      // then the entry's move to the next cycle: a crash in between never invites anyone twice.
      await insertIgnoringDuplicates(models.invitations.collection, invitations);
      if (invited.length)
        await models.contacts.updateMany(
          { _id: mongoose.trusted({ $in: invited }) },
          { $set: { lastSurveyedAt: now } },
        );
      if (skips.length) await models.sendSkips.collection.insertMany(skips, { ordered: false });
      if (entryUpdates.length) await models.autopilotEntries.bulkWrite(entryUpdates, { ordered: false });
      if (gone.length) await models.autopilotEntries.deleteMany({ _id: mongoose.trusted({ $in: gone }) });
      if (capReached) break;
    }
    if (totals.queued > 0) {
      await models.surveys.updateOne(
        { _id: surveyId },
        { $set: { 'autopilot.capDay': today, 'autopilot.queuedOnCapDay': queuedToday + totals.queued } },
      );
    }
    return totals;
  }

  const service = {
    /**
     * Runs every active survey's schedule once: enrols new contacts (every 10 minutes) and queues what
     * is due. Safe to call from any number of workers at once.
     */
    async runDue(): Promise<{ queued: number; skipped: number; held: number }> {
      const totals = { queued: 0, skipped: 0, held: 0 };
      const surveys = await models.surveys.find({ status: 'active', 'autopilot.enabled': true }).select('_id').lean();
      for (const { _id } of surveys) {
        const now = clock.now();
        const survey = await models.surveys
          .findOneAndUpdate(
            {
              _id,
              status: 'active',
              'autopilot.enabled': true,
              $or: [{ 'autopilot.leaseUntil': null }, { 'autopilot.leaseUntil': mongoose.trusted({ $lte: now }) }],
            },
            { $set: { 'autopilot.leaseUntil': new Date(now.getTime() + LEASE_MS) } },
            { returnDocument: 'after' },
          )
          .lean<SurveyDoc>();
        if (!survey) continue; // another worker holds it
        try {
          const settings = autopilotSettingsOf(survey);
          const syncedAt = survey.autopilot?.syncedAt;
          if (!survey.autopilot?.initialSyncDone || !syncedAt || now.getTime() - syncedAt.getTime() >= SYNC_EVERY_MS)
            await sync(survey, settings, now);
          const r = await processDue(survey, settings, now);
          totals.queued += r.queued;
          totals.skipped += r.skipped;
          totals.held += r.held;
        } finally {
          await models.surveys.updateOne({ _id }, { $unset: { 'autopilot.leaseUntil': 1 } });
        }
      }
      return totals;
    },

    async settings(surveyId: string): Promise<AutopilotSettings> {
      const survey = await models.surveys.findById(surveyObjectId(surveyId)).lean<SurveyDoc>();
      if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      return autopilotSettingsOf(survey);
    },

    /**
     * Saves the schedule. Turning autopilot on starts a fresh schedule (contacts spread over the first
     * period from now); the throttle still keeps anyone surveyed recently waiting. Changing settings
     * while it runs applies from each contact's next cycle.
     */
    async update(surveyId: string, input: AutopilotSettingsInput): Promise<void> {
      const _id = surveyObjectId(surveyId);
      const now = clock.now();
      const before = await models.surveys.findById(_id).lean<SurveyDoc>();
      if (!before) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      if (before.status === 'closed')
        throw new ConflictError('This survey is closed; it can no longer run on a schedule.', 'SURVEY_CLOSED');
      const starting = input.enabled && !before.autopilot?.enabled;
      const set: Record<string, unknown> = {
        'autopilot.enabled': input.enabled,
        'autopilot.everyDays': input.everyDays,
        'autopilot.newContactDelayDays': input.newContactDelayDays,
        'autopilot.joinDateProperty': input.joinDateProperty,
        'autopilot.samplePercent': input.samplePercent,
        'autopilot.throttleDays': input.throttleDays,
      };
      const unset: Record<string, 1> = {};
      if (input.dailyCap === undefined) unset['autopilot.dailyCap'] = 1;
      else set['autopilot.dailyCap'] = input.dailyCap;
      if (starting) {
        Object.assign(set, { 'autopilot.startedAt': now, 'autopilot.initialSyncDone': false });
        unset['autopilot.syncedAt'] = 1;
      }
      // Only the request that actually turns it on (enabled false -> true) starts the fresh schedule.
      const filter = starting ? { _id, 'autopilot.enabled': mongoose.trusted({ $ne: true }) } : { _id };
      const result = await models.surveys.updateOne(
        filter,
        { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { runValidators: true },
      );
      if (starting && result.matchedCount === 1) await models.autopilotEntries.deleteMany({ surveyId: _id });
      if (starting && result.matchedCount === 0) {
        // Someone else turned it on a moment ago: keep their fresh schedule, save these settings.
        const { 'autopilot.startedAt': _started, 'autopilot.initialSyncDone': _synced, ...settings } = set;
        await models.surveys.updateOne(
          { _id },
          { $set: settings, ...(input.dailyCap === undefined ? { $unset: { 'autopilot.dailyCap': 1 } } : {}) },
          { runValidators: true },
        );
      }
    },

    /**
     * What the schedule will do in the next `days` days (in REPORT_TIME_ZONE), from today's data:
     * per day, invitations it will queue, skips by reason, and entries carried to the next day by the cap.
     */
    async forecast(surveyId: string, days = 7) {
      const _id = surveyObjectId(surveyId);
      const survey = await models.surveys.findById(_id).lean<SurveyDoc>();
      if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      const settings = autopilotSettingsOf(survey);
      const now = clock.now();
      const today = dayIn(now, timeZone);
      const dayList = Array.from({ length: days }, (_, i) => addDays(today, i));
      const end = startOfDay(addDays(today, days), timeZone);
      const rows = dayList.map((day) => ({ day, invite: 0, skipped: new Map<string, number>(), carried: 0 }));
      const capLeft = dayList.map((_, i) =>
        settings.dailyCap === undefined
          ? Infinity
          : i === 0 && survey.autopilot?.capDay === today
            ? Math.max(0, settings.dailyCap - (survey.autopilot.queuedOnCapDay ?? 0))
            : settings.dailyCap,
      );
      const entries = await models.autopilotEntries
        .find({ surveyId: _id, dueAt: mongoose.trusted({ $lt: end }) })
        .lean<Entry[]>();
      const contacts = new Map<string, ContactState>();
      for (let i = 0; i < entries.length; i += 5000) {
        const ids = entries.slice(i, i + 5000).map((e) => e.contactId);
        for (const c of await models.contacts
          .find({ _id: mongoose.trusted({ $in: ids }) })
          .select('_id unsubscribedAt suppressedAt lastSurveyedAt')
          .lean<ContactState[]>())
          contacts.set(String(c._id), c);
      }
      // Each entry's effective day: its due date, or the end of a throttle hold; then the cap, day by day.
      const planned = entries
        .map((e) => {
          const contact = contacts.get(String(e.contactId));
          const at = new Date(Math.max(e.dueAt.getTime(), now.getTime()));
          let decision = decide({ id: surveyId, settings }, e, contact, at);
          let when = at;
          if (decision.kind === 'hold') {
            when = decision.until;
            decision = decide({ id: surveyId, settings }, e, { ...contact!, lastSurveyedAt: null }, when);
          }
          return { when, decision };
        })
        .filter((p) => p.when < end && p.decision.kind !== 'gone')
        .sort((a, b) => a.when.getTime() - b.when.getTime());
      let beyond = 0;
      for (const p of planned) {
        let i = Math.max(0, dayList.indexOf(dayIn(p.when, timeZone)));
        if (p.decision.kind === 'skip') {
          rows[i]!.skipped.set(p.decision.reason, (rows[i]!.skipped.get(p.decision.reason) ?? 0) + 1);
          continue;
        }
        while (i < days && capLeft[i]! <= 0) {
          rows[i]!.carried++;
          i++;
        }
        if (i >= days) beyond++;
        else {
          rows[i]!.invite++;
          capLeft[i]!--;
        }
      }
      return { settings, status: survey.status, rows, beyond, totalInvites: rows.reduce((s, r) => s + r.invite, 0) };
    },

    /**
     * When each autopilot survey will next survey this contact, and why then: the answer to "when is
     * this person due?" on the contact page.
     */
    async contactSchedule(
      contactId: string,
    ): Promise<{ surveyId: string; surveyName: string; dueAt: Date; why: string; active: boolean }[]> {
      if (!mongoose.isValidObjectId(contactId)) return [];
      const _id = new mongoose.Types.ObjectId(contactId);
      const [entries, contact] = await Promise.all([
        models.autopilotEntries.find({ contactId: _id }).lean<(Entry & { surveyId: mongoose.Types.ObjectId })[]>(),
        models.contacts.findById(_id).select('_id unsubscribedAt suppressedAt lastSurveyedAt').lean<ContactState>(),
      ]);
      if (entries.length === 0 || !contact) return [];
      const surveys = new Map(
        (
          await models.surveys
            .find({ _id: mongoose.trusted({ $in: entries.map((e) => e.surveyId) }) })
            .lean<SurveyDoc[]>()
        ).map((s) => [String(s._id), s]),
      );
      const now = clock.now();
      const date = (d: Date) => dayIn(d, timeZone);
      const out = [];
      for (const e of entries) {
        const survey = surveys.get(String(e.surveyId));
        if (!survey?.autopilot?.enabled) continue;
        const s = autopilotSettingsOf(survey);
        const reasons: string[] = [];
        if (e.cycle === 0 && e.firstDueBasis === 'joined')
          reasons.push(`First survey ${s.newContactDelayDays} days after joining on ${date(e.joinedAt ?? e.dueAt)}.`);
        else if (e.cycle === 0)
          reasons.push(
            `First survey; the first ${s.everyDays} days are spread evenly over all contacts so answers arrive every day.`,
          );
        else
          reasons.push(
            `Every ${s.everyDays} days${e.lastInvitedAt ? `; last invited on ${date(e.lastInvitedAt)}` : ''}${e.lastOutcome && e.lastOutcome !== 'invited' ? ` (last cycle ${e.lastOutcome.replace('_', ' ')})` : ''}.`,
          );
        if (e.heldReason === 'throttle')
          reasons.push(
            `Moved by the ${s.throttleDays}-day throttle: surveyed on ${contact.lastSurveyedAt ? date(contact.lastSurveyedAt) : 'an earlier date'}.`,
          );
        const decision = decide(
          { id: String(survey._id), settings: s },
          e,
          contact,
          new Date(Math.max(e.dueAt.getTime(), now.getTime())),
        );
        if (decision.kind === 'skip')
          reasons.push(
            decision.reason === 'not_sampled'
              ? `Not in this cycle's ${s.samplePercent}% sample: the cycle will be skipped.`
              : `Will be skipped: ${decision.reason}.`,
          );
        if (decision.kind === 'hold') reasons.push(`The throttle holds it until ${date(decision.until)}.`);
        if (e.heldReason === 'daily_cap' && e.dueAt <= now)
          reasons.push(`Waiting for room under the daily cap of ${s.dailyCap ?? '-'}.`);
        if (survey.status !== 'active')
          reasons.push(`The survey is ${survey.status}: nothing is sent until it is active.`);
        out.push({
          surveyId: String(survey._id),
          surveyName: survey.name,
          dueAt: decision.kind === 'hold' ? decision.until : e.dueAt,
          why: reasons.join(' '),
          active: survey.status === 'active',
        });
      }
      return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    },
  };
  return service;
}

export type AutopilotService = ReturnType<typeof createAutopilotService>;
