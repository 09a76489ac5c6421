import type mongoose from 'mongoose';

import { upsertAll } from '../lib/upsert-all.js';
import { WriteBehind } from '../lib/write-behind.js';
import type { InvitationCountModel } from './invitation-count.model.js';
import { INVITATION_STATUSES, type InvitationStatus } from './invitation.model.js';

type Id = mongoose.Types.ObjectId;

/** Invitations that moved from one status to another (null: created or deleted). */
export interface StatusMove {
  surveyId: Id;
  from: InvitationStatus | null;
  to: InvitationStatus | null;
  n: number;
}

/**
 * The one writer of `invitationcounts` (invitation-count.model.ts). InvitationStore reports every
 * status change it makes. The send path's claims and sends go out with the others of the next second
 * (one $inc per survey in one bulk write), so a busy send adds about one command a second, not two a
 * batch; every other change writes its move at once (`flush`). `byStatus` writes this process's
 * waiting moves first. A crash loses at most the last second's moves (as it can the delivered count):
 * the recovery of stale claims recounts the surveys of the claims it recovers (a crash mid-send
 * leaves some), and `npm run results:rebuild` recounts everything. A recount that runs while another
 * worker still holds unwritten moves can be off by those the same way.
 */
export class InvitationCounts {
  private readonly moves: WriteBehind<StatusMove>;

  constructor(
    private readonly counts: InvitationCountModel,
    /** Read only (the driver's collection): the counts are recounted from it. */
    private readonly invitations: mongoose.mongo.Collection,
  ) {
    this.moves = new WriteBehind((items) => this.write(items), {
      delayMs: 1000,
      maxItems: 5000,
      onError: () => undefined, // a lost move only costs a recount
    });
  }

  move(surveyId: Id, from: InvitationStatus | null, to: InvitationStatus | null, n = 1): void {
    if (n > 0 && from !== to) this.moves.add({ surveyId, from, to, n });
  }

  flush(): Promise<void> {
    return this.moves.flush();
  }

  async byStatus(surveyId: Id): Promise<Record<InvitationStatus, number>> {
    await this.flush();
    const doc: Record<string, unknown> = (await this.counts.collection.findOne({ _id: surveyId })) ?? {};
    const out = {} as Record<InvitationStatus, number>;
    for (const status of INVITATION_STATUSES) out[status] = Math.max(0, Number(doc[status] ?? 0));
    return out;
  }

  /** Recounts one survey's counts (or every survey's) from its invitations. */
  async rebuild(surveyId?: Id): Promise<void> {
    await this.flush();
    const rows = await this.invitations
      .aggregate<{ _id: { s: Id; st: InvitationStatus }; n: number }>([
        { $match: surveyId ? { surveyId } : {} },
        { $group: { _id: { s: '$surveyId', st: '$status' }, n: { $sum: 1 } } },
      ])
      .toArray();
    const docs = new Map<string, Record<string, unknown>>();
    for (const { _id: k, n } of rows) {
      const doc = docs.get(String(k.s)) ?? { _id: k.s, ...Object.fromEntries(INVITATION_STATUSES.map((s) => [s, 0])) };
      doc[k.st] = n;
      docs.set(String(k.s), doc);
    }
    await this.counts.collection.deleteMany(surveyId ? { _id: surveyId } : {});
    if (docs.size > 0) await this.counts.collection.insertMany([...docs.values()] as never[], { ordered: false });
  }

  private async write(items: StatusMove[]): Promise<void> {
    const bySurvey = new Map<string, { id: Id; inc: Record<string, number> }>();
    for (const { surveyId, from, to, n } of items) {
      const entry = bySurvey.get(String(surveyId)) ?? { id: surveyId, inc: {} };
      if (from) entry.inc[from] = (entry.inc[from] ?? 0) - n;
      if (to) entry.inc[to] = (entry.inc[to] ?? 0) + n;
      bySurvey.set(String(surveyId), entry);
    }
    const ops = [...bySurvey.values()]
      .map(({ id, inc }) => ({ id, inc: Object.fromEntries(Object.entries(inc).filter(([, n]) => n !== 0)) }))
      .filter(({ inc }) => Object.keys(inc).length > 0)
      .map(({ id, inc }) => ({ id, update: { $inc: inc } }));
    if (ops.length > 0) await upsertAll(this.counts.collection, ops);
  }
}
