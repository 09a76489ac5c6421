import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { ROLES } from '../vocabulary/roles.js';

export const userSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    name: { type: String, trim: true, maxlength: 200, default: '' },
    role: { type: String, enum: ROLES, required: true },
    // argon2id PHC string; never selected unless asked for explicitly.
    passwordHash: { type: String, required: true, select: false },
    // Set only on the admin created by the one-time setup page. A sparse unique index on it makes two
    // concurrent setup submissions create one admin, not two, on every engine.
    firstAdmin: { type: Boolean },
    lastLoginAt: { type: Date },
    disabledAt: { type: Date },
    /** Set while a demotion or disabling of this admin is being checked (accounts.service.ts removingAdmin). */
    adminRemovalAt: { type: Date },
  },
  { timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ firstAdmin: 1 }, { unique: true, sparse: true });

export type User = InferSchemaType<typeof userSchema>;

export function userModel(connection: Connection) {
  return connection.model('User', userSchema);
}
export type UserModel = ReturnType<typeof userModel>;
