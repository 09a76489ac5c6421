import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One document per contact property, keyed by its name in lower case, holding the spelling it is
 * stored and shown under: the first one seen. "Plan" in a later file or API call is stored as "plan".
 */
export const propertyNameSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
  },
  { versionKey: false },
);

export type PropertyName = InferSchemaType<typeof propertyNameSchema>;

export function propertyNameModel(connection: Connection) {
  return connection.model('PropertyName', propertyNameSchema, 'propertyNames');
}
export type PropertyNameModel = ReturnType<typeof propertyNameModel>;
