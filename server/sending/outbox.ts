import mongoose from 'mongoose';

import { NotFoundError } from '../lib/errors.js';
import type { Mailer } from './mailer.js';
import type { OutboxMessageModel } from './outbox.model.js';
import { messages } from './sending.messages.js';

/** Stores messages in the outbox collection instead of sending them (no SMTP_URL). The only writer of `outboxMessages`. */
export function createOutboxMailer(outbox: OutboxMessageModel): Mailer {
  return {
    kind: 'outbox',
    async send(message) {
      await outbox.create({ ...message });
    },
    close: () => Promise.resolve(),
  };
}

/** The outbox as admins read it (and the person's copies erased with them). */
export class Outbox {
  constructor(private readonly outbox: OutboxMessageModel) {}

  /** The latest 200 messages, newest first. */
  async list(): Promise<{ id: string; to: string; subject: string; createdAt: Date }[]> {
    const docs = await this.outbox.find({}).sort({ createdAt: -1 }).limit(200).select('to subject createdAt').lean();
    return docs.map((m) => ({ id: String(m._id), to: m.to, subject: m.subject, createdAt: m.createdAt }));
  }

  /** Part of deleting a contact: the copies of the email sent to them go. */
  async eraseContact(_contactId: mongoose.Types.ObjectId, person: { email: string }): Promise<void> {
    await this.outbox.deleteMany({ to: person.email });
  }

  async get(id: string) {
    const doc = mongoose.isValidObjectId(id) ? await this.outbox.findById(id).lean() : null;
    if (!doc) throw new NotFoundError(messages.notInOutbox, 'NOT_IN_OUTBOX');
    return doc;
  }
}
