import type mongoose from 'mongoose';

/** The upserts in one unordered bulk write; those that lost a creation race are applied again as updates. */
export async function upsertAll(
  collection: mongoose.mongo.Collection,
  ops: ReadonlyArray<{ id: string | mongoose.Types.ObjectId; update: Record<string, unknown> }>,
): Promise<void> {
  const write = (upsert: boolean, list: typeof ops) =>
    collection.bulkWrite(
      list.map((op) => ({ updateOne: { filter: { _id: op.id } as never, update: op.update, upsert } })),
      { ordered: false },
    );
  try {
    await write(true, ops);
  } catch (err) {
    // Only the ops the error names are retried: the others were applied. Without that list the counts
    // are left to the repair (the response's countsPending marker), never applied twice.
    const failed = (err as { writeErrors?: Array<{ index: number; code?: number }> }).writeErrors;
    if (!failed || failed.length === 0 || !failed.every((e) => e.code === 11000)) throw err;
    await write(
      false,
      failed.map((e) => ops[e.index]!),
    );
  }
}
