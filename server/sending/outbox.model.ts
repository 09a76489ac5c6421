import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The local outbox: when no SMTP_URL is set, "sent" email is stored here and shown on the Outbox page,
 * so the whole loop can be tried without a mail server.
 */
export const outboxMessageSchema = new Schema(
  {
    from: { type: String, required: true },
    to: { type: String, required: true },
    replyTo: { type: String },
    subject: { type: String, required: true },
    messageId: { type: String, required: true },
    headers: { type: Map, of: String, default: () => new Map<string, string>() },
    html: { type: String, required: true },
    text: { type: String, required: true },
  },
  { timestamps: true },
);
outboxMessageSchema.index({ createdAt: -1 });
// Erasing a deleted contact's copies (Outbox.eraseContact: deleteMany({ to })).
outboxMessageSchema.index({ to: 1, createdAt: -1 });

export type OutboxMessage = InferSchemaType<typeof outboxMessageSchema>;

export function outboxMessageModel(connection: Connection) {
  return connection.model('OutboxMessage', outboxMessageSchema);
}
export type OutboxMessageModel = ReturnType<typeof outboxMessageModel>;
