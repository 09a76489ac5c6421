import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import { generateToken, hashToken } from '../lib/tokens.js';
import type { ApiKeyModel, ApiScope } from './api-key.model.js';
import { messages } from './api.messages.js';

const KEY_PATTERN = /^nps_[A-Za-z0-9_-]{43}$/;

export interface ApiCaller {
  keyId: string;
  name: string;
  scope: ApiScope;
}

/** API keys: created by admins (page or npm run apikey:create), shown once, stored hashed, revocable. */
export function createApiKeysService(deps: { apiKeys: ApiKeyModel; clock: Clock }) {
  const { apiKeys, clock } = deps;
  return {
    /** Creates a key and returns it in clear text: the only time anyone sees it. */
    async create(input: {
      name: string;
      scope: ApiScope;
      createdBy?: string | undefined;
    }): Promise<{ id: string; key: string; prefix: string }> {
      const key = `nps_${generateToken()}`;
      const prefix = key.slice(0, 10);
      const doc = await apiKeys.create({
        name: input.name,
        scope: input.scope,
        keyHash: hashToken(key),
        prefix,
        createdBy: input.createdBy,
        createdAt: clock.now(),
      });
      return { id: String(doc._id), key, prefix };
    },

    async list() {
      const docs = await apiKeys.find({}).sort({ createdAt: -1 }).lean();
      return docs.map((d) => ({
        id: String(d._id),
        name: d.name,
        prefix: d.prefix,
        scope: d.scope,
        createdAt: d.createdAt,
        lastUsedAt: d.lastUsedAt ?? undefined,
        revokedAt: d.revokedAt ?? undefined,
      }));
    },

    async revoke(id: string): Promise<void> {
      if (!mongoose.isValidObjectId(id)) throw new NotFoundError(messages.keyNotFound, 'API_KEY_NOT_FOUND');
      const doc = await apiKeys.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: clock.now() } });
      if (!doc && !(await apiKeys.exists({ _id: id })))
        throw new NotFoundError(messages.keyNotFound, 'API_KEY_NOT_FOUND');
    },

    /** The caller behind a bearer key, or null for a malformed, unknown or revoked key (checked by its hash). */
    async authenticate(key: string): Promise<ApiCaller | null> {
      if (!KEY_PATTERN.test(key)) return null;
      const doc = await apiKeys.findOne({ keyHash: hashToken(key) }).lean();
      if (!doc || doc.revokedAt) return null;
      const now = clock.now();
      // Last use is informational: written at most once a minute per key.
      if (!doc.lastUsedAt || now.getTime() - doc.lastUsedAt.getTime() > 60_000)
        await apiKeys.updateOne({ _id: doc._id }, { $set: { lastUsedAt: now } });
      return { keyId: String(doc._id), name: doc.name, scope: doc.scope };
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
