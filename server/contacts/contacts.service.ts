import type { Models } from '../db/models.js';

export interface ContactRow {
  id: string;
  email: string;
  name: string;
  unsubscribed: boolean;
  lastSurveyedAt: Date | undefined;
}

export const CONTACTS_PAGE_SIZE = 50;

export function createContactsService(deps: { contacts: Models['contacts'] }) {
  const { contacts } = deps;
  return {
    /** One page of contacts ordered by email, with the total for paging. */
    async list(page: number): Promise<{ rows: ContactRow[]; total: number; page: number; pages: number }> {
      const total = await contacts.countDocuments({});
      const pages = Math.max(1, Math.ceil(total / CONTACTS_PAGE_SIZE));
      const current = Math.min(Math.max(1, page), pages);
      const docs = await contacts
        .find({})
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
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
