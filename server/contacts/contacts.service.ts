import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import type { Aggregates } from '../results/aggregates.js';
import type { InvitationSource } from '../sending/invitation.model.js';
import { SKIP_LABELS } from '../sending/send-skip.model.js';

export interface ContactRow {
  id: string;
  email: string;
  name: string;
  unsubscribed: boolean;
  lastSurveyedAt: Date | undefined;
}

export interface ContactDetail extends ContactRow {
  locale: string;
  properties: { key: string; value: string }[];
  unsubscribedAt: Date | undefined;
  suppressedAt: Date | undefined;
  suppressedReason: string;
  createdAt: Date | undefined;
  invitations: {
    id: string;
    surveyName: string;
    status: string;
    source: string;
    queuedAt: Date;
    sentAt: Date | undefined;
    respondedAt: Date | undefined;
  }[];
  responses: { id: string; surveyName: string; score: number; category: string; comment: string; submittedAt: Date }[];
  /** When a send left this contact out, and why: answers "why was this person not surveyed?". */
  skips: { surveyName: string; reason: string; at: Date }[];
}

export const CONTACTS_PAGE_SIZE = 50;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SOURCE_LABELS: Record<InvitationSource, string> = {
  send: 'send page or API',
  autopilot: 'autopilot schedule',
  trigger: 'event trigger',
};

export function createContactsService(deps: {
  aggregates: Aggregates;
  contacts: Models['contacts'];
  invitations: Models['invitations'];
  responses: Models['responses'];
  orders: Models['orders'];
  surveys: Models['surveys'];
  sendSkips: Models['sendSkips'];
  autopilotEntries: Models['autopilotEntries'];
  clock: Clock;
}) {
  const { contacts, invitations, responses, orders, surveys, sendSkips, clock } = deps;

  function idOrNotFound(id: string): mongoose.Types.ObjectId {
    if (!mongoose.isValidObjectId(id))
      throw new NotFoundError('That contact does not exist. It may have been deleted.', 'CONTACT_NOT_FOUND');
    return new mongoose.Types.ObjectId(id);
  }

  async function surveyNames(ids: mongoose.Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await surveys
      .find({ _id: mongoose.trusted({ $in: ids }) })
      .select('name')
      .lean();
    return new Map(docs.map((d) => [String(d._id), d.name]));
  }

  return {
    /**
     * One page of contacts ordered by email. `q` matches the start of the email (indexed) or any part
     * of the name, ignoring case.
     */
    async list(options: {
      q: string;
      page: number;
    }): Promise<{ rows: ContactRow[]; total: number; page: number; pages: number }> {
      const q = options.q.trim();
      const filter = q
        ? {
            $or: [
              { email: mongoose.trusted({ $regex: `^${escapeRegex(q.toLowerCase())}` }) },
              { name: mongoose.trusted({ $regex: escapeRegex(q), $options: 'i' }) },
            ],
          }
        : {};
      const total = await contacts.countDocuments(filter);
      const pages = Math.max(1, Math.ceil(total / CONTACTS_PAGE_SIZE));
      const current = Math.min(Math.max(1, options.page), pages);
      const docs = await contacts
        .find(filter)
        .sort({ email: 1 })
        .skip((current - 1) * CONTACTS_PAGE_SIZE)
        .limit(CONTACTS_PAGE_SIZE)
        .lean();
      const rows = docs.map((d) => ({
        id: String(d._id),
        email: d.email,
        name: d.name ?? '',
        unsubscribed: Boolean(d.unsubscribedAt),
        lastSurveyedAt: d.lastSurveyedAt ?? undefined,
      }));
      return { rows, total, page: current, pages };
    },

    /** A contact with its invitations and responses, newest first. */
    async get(id: string): Promise<ContactDetail> {
      const _id = idOrNotFound(id);
      const d = await contacts.findById(_id).lean();
      if (!d) throw new NotFoundError('That contact does not exist. It may have been deleted.', 'CONTACT_NOT_FOUND');
      const [invs, resps, skipDocs] = await Promise.all([
        invitations.find({ contactId: _id }).sort({ queuedAt: -1 }).limit(100).lean(),
        responses.find({ contactId: _id }).sort({ submittedAt: -1 }).limit(100).lean(),
        sendSkips.find({ contactId: _id }).sort({ at: -1 }).limit(50).lean(),
      ]);
      const names = await surveyNames([
        ...invs.map((i) => i.surveyId),
        ...resps.map((r) => r.surveyId),
        ...skipDocs.map((k) => k.surveyId),
      ]);
      // lean() gives the properties Map as a plain object.
      const rawProps: unknown = d.properties;
      const props =
        rawProps instanceof Map
          ? (Object.fromEntries(rawProps) as Record<string, string>)
          : ((rawProps ?? {}) as Record<string, string>);
      return {
        id: String(d._id),
        email: d.email,
        name: d.name ?? '',
        locale: d.locale ?? '',
        properties: Object.entries(props)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => ({ key, value })),
        unsubscribed: Boolean(d.unsubscribedAt),
        unsubscribedAt: d.unsubscribedAt ?? undefined,
        suppressedAt: d.suppressedAt ?? undefined,
        suppressedReason: d.suppressedReason ?? '',
        lastSurveyedAt: d.lastSurveyedAt ?? undefined,
        createdAt: d.createdAt ?? undefined,
        invitations: invs.map((i) => ({
          id: String(i._id),
          surveyName: names.get(String(i.surveyId)) ?? '(deleted survey)',
          status: i.status,
          source: SOURCE_LABELS[i.source ?? 'send'],
          queuedAt: i.queuedAt,
          sentAt: i.sentAt ?? undefined,
          respondedAt: i.respondedAt ?? undefined,
        })),
        responses: resps.map((r) => ({
          id: String(r._id),
          surveyName: names.get(String(r.surveyId)) ?? '(deleted survey)',
          score: r.score,
          category: r.category,
          comment: r.comment ?? '',
          submittedAt: r.submittedAt,
        })),
        skips: skipDocs.map((k) => ({
          surveyName: names.get(String(k.surveyId)) ?? '(deleted survey)',
          reason: SKIP_LABELS[k.reason],
          at: k.at,
        })),
      };
    },

    /** Marks the contact unsubscribed (idempotent: the first date is kept). No survey email goes to them again. */
    async unsubscribe(id: string): Promise<void> {
      const _id = idOrNotFound(id);
      await contacts.updateOne({ _id, unsubscribedAt: null }, { $set: { unsubscribedAt: clock.now() } });
      if (!(await contacts.exists({ _id })))
        throw new NotFoundError('That contact does not exist. It may have been deleted.', 'CONTACT_NOT_FOUND');
    },

    /**
     * Deletes a contact and their personal data: the contact, their invitations and orders are
     * removed; their responses stay in the figures but lose the link to the person, the comment and
     * the property snapshot. Safe to repeat.
     */
    async remove(id: string): Promise<{ email: string }> {
      const _id = idOrNotFound(id);
      const doc = await contacts.findById(_id).lean();
      if (!doc) throw new NotFoundError('That contact does not exist. It may have been deleted.', 'CONTACT_NOT_FOUND');
      // Anonymise first, delete the contact last: if this stops halfway, running it again finishes it.
      const answered = await responses
        .find({ contactId: _id })
        .select('surveyId submittedAt channel score repurchase review contactSnapshot')
        .lean();
      await responses.updateMany(
        { contactId: _id },
        { $unset: { contactId: 1, invitationId: 1 }, $set: { comment: '', contactSnapshot: {} } },
      );
      // The responses still count overall, but no longer under the person's property values.
      for (const r of answered) await deps.aggregates.applyChange(r, { ...r, contactSnapshot: {} });
      await invitations.deleteMany({ contactId: _id });
      await sendSkips.deleteMany({ contactId: _id });
      await deps.autopilotEntries.deleteMany({ contactId: _id });
      await orders.deleteMany({ contactId: _id });
      await contacts.deleteOne({ _id });
      return { email: doc.email };
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
