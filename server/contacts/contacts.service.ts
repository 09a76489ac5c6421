import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import type { ContactDoc } from './contact.model.js';
import type { ContactStore } from './contact.store.js';
import { messages } from './contacts.messages.js';

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
}

/**
 * A domain that keeps something about a contact (invitations, answers, orders, schedules). Deleting
 * the contact asks each to erase it first; the contact document goes last, so a deletion that stops
 * halfway is finished by running it again.
 */
export interface ContactEraser {
  eraseContact(contactId: mongoose.Types.ObjectId, person: { email: string }): Promise<void>;
}

export const CONTACTS_PAGE_SIZE = 50;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function contactIdOf(id: string): mongoose.Types.ObjectId {
  if (!mongoose.isValidObjectId(id)) throw contactNotFound();
  return new mongoose.Types.ObjectId(id);
}

function contactNotFound(): NotFoundError {
  return new NotFoundError(messages.notFound, 'CONTACT_NOT_FOUND');
}

/** Properties as sorted rows (a lean read gives the properties Map as a plain object). */
export function propertyRows(raw: unknown): { key: string; value: string }[] {
  const props =
    raw instanceof Map ? (Object.fromEntries(raw) as Record<string, string>) : ((raw ?? {}) as Record<string, string>);
  return Object.entries(props)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}

function detailOf(d: ContactDoc): ContactDetail {
  return {
    ...rowOf(d),
    locale: d.locale ?? '',
    properties: propertyRows(d.properties),
    unsubscribedAt: d.unsubscribedAt ?? undefined,
    suppressedAt: d.suppressedAt ?? undefined,
    suppressedReason: d.suppressedReason ?? '',
    createdAt: d.createdAt ?? undefined,
  };
}

function rowOf(d: ContactDoc): ContactRow {
  return {
    id: String(d._id),
    email: d.email,
    name: d.name ?? '',
    unsubscribed: Boolean(d.unsubscribedAt),
    lastSurveyedAt: d.lastSurveyedAt ?? undefined,
  };
}

/** Contacts as managers see them: the list, one contact, unsubscribing and deleting someone. */
export class ContactsService {
  constructor(private readonly deps: { store: ContactStore; clock: Clock; erasers: readonly ContactEraser[] }) {}

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
    const first = await this.deps.store.page(filter, Math.max(1, options.page), CONTACTS_PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(first.total / CONTACTS_PAGE_SIZE));
    const page = Math.min(Math.max(1, options.page), pages);
    // Past the last page: show the last one instead.
    const { docs, total } =
      page === options.page ? first : await this.deps.store.page(filter, page, CONTACTS_PAGE_SIZE);
    return { rows: docs.map(rowOf), total, page, pages };
  }

  /** One contact with its properties (their surveys and answers come from the sending and responses domains). */
  async get(id: string): Promise<ContactDetail> {
    const d = await this.deps.store.findById(contactIdOf(id));
    if (!d) throw contactNotFound();
    return detailOf(d);
  }

  /**
   * Contacts in `_id` order after `cursor` (the API's paged list), filtered by normalised email, a
   * property value and changed since a time; one more than `limit` is read to tell whether more follow.
   */
  async listAfter(query: {
    cursor?: string | undefined;
    email?: string | undefined;
    property?: { name: string; value: string } | undefined;
    since?: Date | undefined;
    limit: number;
  }): Promise<{ contacts: (ContactDetail & { updatedAt: Date | undefined })[]; nextCursor: string | null }> {
    const docs = await this.deps.store.list({
      after: query.cursor ? contactIdOf(query.cursor) : undefined,
      email: query.email,
      property: query.property,
      since: query.since,
      limit: query.limit + 1,
    });
    const page = docs.slice(0, query.limit);
    return {
      contacts: page.map((d) => ({ ...detailOf(d), updatedAt: d.updatedAt ?? undefined })),
      nextCursor: docs.length > query.limit ? String(page[page.length - 1]!._id) : null,
    };
  }

  /** Marks the contact unsubscribed (idempotent: the first date is kept). No survey email goes to them again. */
  async unsubscribe(id: string): Promise<void> {
    const _id = contactIdOf(id);
    await this.deps.store.unsubscribe(_id, this.deps.clock.now());
    if (!(await this.deps.store.exists(_id))) throw contactNotFound();
  }

  /**
   * Deletes a contact and their personal data: every domain erases what it keeps about them (their
   * responses stay in the figures but lose the link to the person, the comment and the property
   * snapshot; delivered invitations stay as anonymous tombstones for the response rate; follow-up
   * notes, outbox copies, webhook payloads, import reports and trigger links lose them; skips,
   * schedules and orders go), then the contact. Safe to repeat. `contact-deletion.test.ts` searches
   * every collection for the person afterwards.
   */
  async remove(id: string): Promise<{ email: string }> {
    const _id = contactIdOf(id);
    const doc = await this.deps.store.findById(_id);
    if (!doc) throw contactNotFound();
    for (const eraser of this.deps.erasers) await eraser.eraseContact(_id, { email: doc.email });
    await this.deps.store.delete(_id);
    return { email: doc.email };
  }
}
