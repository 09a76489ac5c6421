import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const orderSchema = new Schema(
  {
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact', required: true },
    // The caller's order reference: re-importing the same reference updates, never duplicates.
    reference: { type: String, required: true, trim: true, maxlength: 200 },
    orderedAt: { type: Date, required: true },
    amount: { type: Number, min: 0 },
    currency: { type: String, trim: true, uppercase: true, match: /^[A-Z]{3}$/ },
  },
  { timestamps: true },
);
orderSchema.index({ reference: 1 }, { unique: true });
orderSchema.index({ contactId: 1, orderedAt: 1 });

export type Order = InferSchemaType<typeof orderSchema>;

export function orderModel(connection: Connection) {
  return connection.model('Order', orderSchema);
}
export type OrderModel = ReturnType<typeof orderModel>;
