import type { AnyBulkWriteOperation } from 'mongodb';
import mongoose from 'mongoose';

import { isDuplicateKeyError } from '../lib/errors.js';
import { propertyKeyOf } from '../vocabulary/properties.js';
import type { ContactUpsert } from './contact-rows.js';
import type { ContactDoc, ContactModel } from './contact.model.js';
import type { PropertyNameModel } from './property-name.model.js';

type Id = mongoose.Types.ObjectId;

/** What deciding whether to survey someone needs to know about them (sending/eligibility.ts). */
export type ContactState = Pick<ContactDoc, '_id' | 'unsubscribedAt' | 'suppressedAt' | 'lastSurveyedAt'>;
export const CONTACT_STATE_FIELDS = '_id unsubscribedAt suppressedAt lastSurveyedAt';

/**
 * The one module that writes the `contacts` collection: upserts by email (CSV import, API, triggers),
 * unsubscribe, suppression after a bounce, the throttle's "last surveyed" date, and deletion (which
 * contacts.service.ts runs after every other domain has erased what it holds about the person).
 */
export class ContactStore {
  constructor(
    private readonly contacts: ContactModel,
    /** Also written only here: the spelling each property is stored under (property-name.model.ts). */
    private readonly propertyNames: PropertyNameModel,
  ) {}

  /**
   * The spelling to store each property under, by its lower-case name: the first spelling ever seen
   * (registered here on first use; names contacts carried before the registry existed count as seen
   * first). So "Plan" from a later file or API call lands on the existing "plan".
   */
  async canonicalNames(names: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const name of names) if (!wanted.has(propertyKeyOf(name))) wanted.set(propertyKeyOf(name), name);
    if (wanted.size === 0) return new Map();
    const read = async (lowers: string[]) =>
      (await this.propertyNames.find({ _id: mongoose.trusted({ $in: lowers }) }).lean()).map(
        (d) => [d._id, d.name] as [string, string],
      );
    const found = new Map(await read([...wanted.keys()]));
    const missing = [...wanted].filter(([lower]) => !found.has(lower));
    if (missing.length === 0) return found;
    const carried = new Map<string, string>();
    for (const key of await this.sampledPropertyKeys())
      if (!carried.has(propertyKeyOf(key))) carried.set(propertyKeyOf(key), key);
    try {
      await this.propertyNames.bulkWrite(
        missing.map(([lower, spelling]) => ({
          updateOne: {
            filter: { _id: lower },
            update: { $setOnInsert: { name: carried.get(lower) ?? spelling } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // another import registered it first: read theirs
    }
    for (const [lower, name] of await read(missing.map(([lower]) => lower))) found.set(lower, name);
    return found;
  }

  findById(id: Id): Promise<ContactDoc | null> {
    return this.contacts.findById(id).lean<ContactDoc>();
  }

  findByEmail(email: string): Promise<ContactDoc | null> {
    return this.contacts.findOne({ email }).lean<ContactDoc>();
  }

  async exists(id: Id): Promise<boolean> {
    return (await this.contacts.exists({ _id: id })) !== null;
  }

  /** Contacts by id, with only the fields asked for (a space-separated list, as Mongoose selects). */
  async byIds<T extends { _id: Id }>(ids: readonly Id[], fields: string): Promise<Map<string, T>> {
    if (ids.length === 0) return new Map();
    // Straight from the driver: batches of a thousand (the export, the send worker) skip Mongoose's casting.
    const projection = Object.fromEntries(fields.split(' ').map((f) => [f, 1]));
    const docs = await this.contacts.collection.find({ _id: { $in: [...ids] } }, { projection }).toArray();
    return new Map(docs.map((d) => [String(d._id), d as unknown as T]));
  }

  /** Contact ids by normalised email, for imports that refer to contacts by email (orders). */
  async idsByEmail(emails: readonly string[]): Promise<Map<string, Id>> {
    if (emails.length === 0) return new Map();
    const docs = await this.contacts.collection
      .find({ email: { $in: [...emails] } }, { projection: { email: 1 } })
      .toArray();
    return new Map(docs.map((c) => [c.email as string, c._id]));
  }

  /** One page of contacts matching `filter`, ordered by email, with the total. */
  async page(
    filter: Record<string, unknown>,
    page: number,
    size: number,
  ): Promise<{ docs: ContactDoc[]; total: number }> {
    // Unfiltered, the total comes from the collection's metadata, not from counting every contact.
    const total =
      Object.keys(filter).length === 0
        ? await this.contacts.estimatedDocumentCount()
        : await this.contacts.countDocuments(filter);
    const docs = await this.contacts
      .find(filter)
      .sort({ email: 1 })
      .skip((page - 1) * size)
      .limit(size)
      .lean<ContactDoc[]>();
    return { docs, total };
  }

  /** Streams the contacts matching a driver filter with a projection (audiences, schedules). */
  stream(filter: Record<string, unknown>, projection: Record<string, 1>) {
    return this.contacts.collection.find(filter, { projection });
  }

  /** Property names seen on contacts (from a sample of 2,000), for the filter choices. */
  async knownPropertyKeys(): Promise<string[]> {
    const registered = (await this.propertyNames.find({}).lean()).map((d) => d.name);
    const keys = new Map(registered.map((name) => [propertyKeyOf(name), name]));
    for (const key of await this.sampledPropertyKeys())
      if (!keys.has(propertyKeyOf(key))) keys.set(propertyKeyOf(key), key);
    return [...keys.values()].sort((a, b) => a.localeCompare(b));
  }

  private async sampledPropertyKeys(): Promise<string[]> {
    // A sample is enough to offer the keys; no sort, so no engine has to order every contact first.
    const docs = await this.contacts.collection
      .find({}, { projection: { properties: 1 } })
      .limit(2000)
      .toArray();
    const keys = new Set<string>();
    for (const d of docs) for (const key of Object.keys((d.properties ?? {}) as Record<string, unknown>)) keys.add(key);
    return [...keys].sort((a, b) => a.localeCompare(b));
  }

  /**
   * Creates or updates contacts by email. Rows are validated before they get here (contact-rows.ts)
   * and the update sets timestamps and defaults itself, so it goes through the driver directly:
   * Mongoose's per-operation casting made imports three times slower. A batch is retried once when a
   * concurrent import inserted the same email first.
   */
  async upsertMany(
    rows: readonly ContactUpsert[],
    now: Date,
    options: { withIds?: boolean } = {},
  ): Promise<{ created: number; updated: number; ids?: { id: Id; created: boolean }[] }> {
    const names = await this.canonicalNames(rows.flatMap((row) => row.properties.map(([key]) => key)));
    const ops = rows.map((row) =>
      upsertOp({ ...row, properties: row.properties.map(([k, v]) => [names.get(propertyKeyOf(k)) ?? k, v]) }, now),
    );
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.contacts.collection.bulkWrite(ops, { ordered: false });
        const counts = { created: result.upsertedCount, updated: result.matchedCount };
        if (!options.withIds) return counts;
        // Created rows' ids come with the result; updated ones are read by their unique email.
        const inserted = result.upsertedIds as Record<number, Id>;
        const existing = await this.idsByEmail(rows.filter((_, i) => !inserted[i]).map((r) => r.email));
        const ids = rows.map((r, i) =>
          inserted[i] ? { id: inserted[i], created: true } : { id: existing.get(r.email)!, created: false },
        );
        return { ...counts, ids };
      } catch (err) {
        if (attempt === 0 && isDuplicateKeyError(err)) continue;
        throw err;
      }
    }
  }

  /**
   * Contacts in `_id` order after a cursor, at most `limit` (the API's list): by email, by a property
   * value (the name in any case, as stored) and changed since a time. Walks the `_id` index.
   */
  async list(options: {
    after?: Id | undefined;
    email?: string | undefined;
    property?: { name: string; value: string } | undefined;
    since?: Date | undefined;
    limit: number;
  }): Promise<ContactDoc[]> {
    const filter: Record<string, unknown> = {};
    if (options.after) filter._id = mongoose.trusted({ $gt: options.after });
    if (options.email !== undefined) filter.email = options.email;
    if (options.property) {
      const { name, value } = options.property;
      const stored = (await this.propertyNames.findById(propertyKeyOf(name)).lean())?.name ?? name;
      filter[`properties.${stored}`] = value;
    }
    if (options.since) filter.updatedAt = mongoose.trusted({ $gte: options.since });
    return this.contacts.find(filter).sort({ _id: 1 }).limit(options.limit).lean<ContactDoc[]>();
  }

  /** No survey email goes to them again; the first date is kept. */
  async unsubscribe(id: Id, at: Date): Promise<void> {
    await this.contacts.updateOne({ _id: id, unsubscribedAt: null }, { $set: { unsubscribedAt: at } });
  }

  /** A hard bounce or refusal: no survey email goes to the address again. The first reason is kept. */
  async suppress(id: Id, reason: string, at: Date): Promise<void> {
    await this.contacts.updateOne(
      { _id: id, suppressedAt: null },
      { $set: { suppressedAt: at, suppressedReason: reason.slice(0, 1000) } },
    );
  }

  /** The throttle's clock: these contacts were (or are about to be) surveyed at `at`. */
  async markSurveyed(ids: readonly Id[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.contacts.collection.updateMany({ _id: { $in: [...ids] } }, { $set: { lastSurveyedAt: at } });
  }

  /** A survey is scheduled for `at` (possibly in the future): the throttle counts from the later date. */
  async markSurveyedUntil(id: Id, at: Date): Promise<void> {
    await this.contacts.updateOne({ _id: id }, { $max: { lastSurveyedAt: at } });
  }

  async delete(id: Id): Promise<void> {
    await this.contacts.deleteOne({ _id: id });
  }
}

function upsertOp(row: ContactUpsert, now: Date): AnyBulkWriteOperation {
  const set: Record<string, unknown> = { updatedAt: now };
  const onInsert: Record<string, unknown> = { createdAt: now, __v: 0 };
  if (row.name) set.name = row.name;
  else onInsert.name = '';
  if (row.locale) set.locale = row.locale;
  else onInsert.locale = '';
  for (const [key, value] of row.properties) set[`properties.${key}`] = value;
  if (row.properties.length === 0) onInsert.properties = {};
  return { updateOne: { filter: { email: row.email }, update: { $set: set, $setOnInsert: onInsert }, upsert: true } };
}
