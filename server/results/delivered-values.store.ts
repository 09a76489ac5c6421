import type mongoose from 'mongoose';

import { upsertAll } from '../lib/upsert-all.js';
import type { DeliveredBatch, DeliveredValuesPort } from '../sending/delivered-port.js';
import { propertiesOf } from './day-counts.js';
import type { DeliveredValueModel } from './delivered-value.model.js';

type Id = mongoose.Types.ObjectId;
type Row = { _id: { s: Id; k: string; v: unknown }; n: number };

/**
 * The one writer of deliveredValues (delivered-value.model.ts): the send worker's settled batches add
 * to them (one bulk write per flush, whatever the number of surveys and values), a contact's deletion
 * takes its invitations back out (their tombstones keep no properties), and `rebuild` recounts them
 * from the invitations' property snapshots.
 */
export class DeliveredValueStore implements DeliveredValuesPort {
  constructor(
    private readonly deps: {
      values: DeliveredValueModel;
      /** Read only (the driver's collection, from boot/): the counts are recounted from them. */
      invitations: mongoose.mongo.Collection;
      contacts: string;
    },
  ) {}

  async recordDelivered(batches: readonly DeliveredBatch[]): Promise<void> {
    await this.move(batches, 1);
  }

  /** Takes a deleted contact's invitations out; a value nobody else was invited with goes with them. */
  async forgetDelivered(batches: readonly DeliveredBatch[]): Promise<void> {
    const ids = await this.move(batches, -1);
    if (ids.length > 0) await this.deps.values.collection.deleteMany({ _id: { $in: ids }, n: { $lte: 0 } } as never);
  }

  /** Delivered invitations per value of `key` for one survey. */
  async byValue(surveyId: Id, key: string): Promise<Map<string, number>> {
    const docs = await this.deps.values.collection
      .find({ surveyId, key }, { projection: { _id: 0, value: 1, n: 1 } })
      .toArray();
    return new Map(docs.filter((d) => d.n > 0).map((d) => [d.value as string, d.n as number]));
  }

  /**
   * Recounts one survey's values (or every survey's) from its delivered invitations: by the snapshot
   * taken when each was sent, and for invitations sent before snapshots were kept, by the contact's
   * current properties.
   */
  async rebuild(surveyId?: Id): Promise<number> {
    const match: Record<string, unknown> = { ...(surveyId ? { surveyId } : {}), status: 'sent' };
    const group = { $group: { _id: { s: '$surveyId', k: '$p.k', v: '$p.v' }, n: { $sum: 1 } } };
    const [snapshot, legacy] = await Promise.all([
      this.deps.invitations
        .aggregate<Row>([
          { $match: { ...match, contactSnapshot: { $exists: true } } },
          { $project: { surveyId: 1, p: { $objectToArray: '$contactSnapshot' } } },
          { $unwind: '$p' },
          group,
        ])
        .toArray(),
      this.deps.invitations
        .aggregate<Row>([
          { $match: { ...match, contactSnapshot: { $exists: false }, contactId: { $ne: null } } },
          { $lookup: { from: this.deps.contacts, localField: 'contactId', foreignField: '_id', as: 'c' } },
          { $unwind: '$c' },
          { $project: { surveyId: 1, p: { $objectToArray: '$c.properties' } } },
          { $unwind: '$p' },
          group,
        ])
        .toArray(),
    ]);
    const docs = new Map<string, { _id: string; surveyId: Id; key: string; value: string; n: number }>();
    for (const { _id: k, n } of [...snapshot, ...legacy]) {
      if (typeof k.v !== 'string' || k.v === '') continue;
      const id = idOf(k.s, k.k, k.v);
      const doc = docs.get(id) ?? { _id: id, surveyId: k.s, key: k.k, value: k.v, n: 0 };
      doc.n += n;
      docs.set(id, doc);
    }
    await this.deps.values.deleteMany(surveyId ? { surveyId } : {});
    const all = [...docs.values()];
    for (let i = 0; i < all.length; i += 1000)
      await this.deps.values.collection.insertMany(all.slice(i, i + 1000) as never[], { ordered: false });
    return all.length;
  }

  private async move(batches: readonly DeliveredBatch[], sign: 1 | -1): Promise<string[]> {
    const incs = new Map<string, { surveyId: Id; key: string; value: string; n: number }>();
    for (const { surveyId, properties } of batches)
      for (const snapshot of properties)
        for (const [key, value] of propertiesOf(snapshot)) {
          const id = idOf(surveyId, key, value);
          const entry = incs.get(id) ?? { surveyId, key, value, n: 0 };
          entry.n += sign;
          incs.set(id, entry);
        }
    const ops = [...incs].map(([id, { n, ...set }]) => ({ id, update: { $inc: { n }, $setOnInsert: set } }));
    if (ops.length > 0) await upsertAll(this.deps.values.collection, ops);
    return ops.map((op) => op.id);
  }
}

function idOf(surveyId: Id, key: string, value: string): string {
  return `${String(surveyId)}|${key}|${value}`;
}
