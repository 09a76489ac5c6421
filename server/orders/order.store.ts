import type { AnyBulkWriteOperation } from 'mongodb';
import type mongoose from 'mongoose';

import type { OrderModel } from './order.model.js';

type Id = mongoose.Types.ObjectId;

/** One order to create or update, keyed by the caller's reference. */
export interface OrderUpsert {
  contactId: Id;
  reference: string;
  orderedAt: Date;
  amount?: number | undefined;
  currency?: string | undefined;
}

/**
 * The one module that writes `orders`: upserts by reference (CSV import and the API, so importing the
 * same orders again updates and never duplicates) and a contact's deletion.
 */
export class OrderStore {
  constructor(private readonly orders: OrderModel) {}

  async upsertMany(rows: readonly OrderUpsert[], now: Date): Promise<{ created: number; updated: number }> {
    if (rows.length === 0) return { created: 0, updated: 0 };
    const ops: AnyBulkWriteOperation[] = rows.map((o) => {
      const set: Record<string, unknown> = { contactId: o.contactId, orderedAt: o.orderedAt, updatedAt: now };
      if (o.amount !== undefined) set.amount = o.amount;
      if (o.currency) set.currency = o.currency;
      return {
        updateOne: {
          filter: { reference: o.reference },
          update: { $set: set, $setOnInsert: { createdAt: now } },
          upsert: true,
        },
      };
    });
    const result = await this.orders.collection.bulkWrite(ops, { ordered: false });
    return { created: result.upsertedCount, updated: result.matchedCount };
  }

  /** Order dates per contact, for a batch of contacts, sorted (said vs did). */
  async datesByContact(contactIds: readonly Id[]): Promise<Map<string, number[]>> {
    const orders = await this.orders.collection
      .find({ contactId: { $in: [...contactIds] } }, { projection: { contactId: 1, orderedAt: 1 } })
      .toArray();
    const byContact = new Map<string, number[]>();
    for (const o of orders)
      byContact.set(String(o.contactId), [
        ...(byContact.get(String(o.contactId)) ?? []),
        (o.orderedAt as Date).getTime(),
      ]);
    for (const dates of byContact.values()) dates.sort((a, b) => a - b);
    return byContact;
  }

  count(): Promise<number> {
    return this.orders.estimatedDocumentCount();
  }

  /** Part of deleting a contact (contacts.service.ts). */
  async eraseContact(contactId: Id): Promise<void> {
    await this.orders.deleteMany({ contactId });
  }
}
