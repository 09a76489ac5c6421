import type mongoose from 'mongoose';

import type { TestContext } from './context.js';
import { makeSurvey } from './factories.js';
import { servicesOf } from './services.js';

const DAY = 86_400_000;
export const autopilotSecret = 'a test secret that is long enough to use';

/** The autopilot service and fixtures the autopilot tests share; each reads `ctx` when called. */
export function autopilotHelpers(ctx: TestContext) {
  const service = (clock = ctx.clock) => servicesOf(ctx, { clock, tokenSecret: autopilotSecret }).autopilot;

  /** Contacts that joined long ago (past any delay), straight in the database. */
  async function contacts(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
    const joined = new Date(ctx.clock.now().getTime() - 400 * DAY);
    const docs = Array.from({ length: n }, (_, i) => ({
      email: `c${i}@example.com`,
      name: `C ${i}`,
      properties: {},
      createdAt: joined,
      ...extra(i),
    }));
    const result = await ctx.models.contacts.collection.insertMany(docs);
    return Object.values(result.insertedIds);
  }

  async function autopilotSurvey(settings: Record<string, unknown> = {}) {
    return makeSurvey(ctx, {
      status: 'active',
      autopilot: {
        enabled: true,
        everyDays: 90,
        newContactDelayDays: 30,
        samplePercent: 100,
        throttleDays: 90,
        startedAt: ctx.clock.now(),
        ...settings,
      },
    });
  }

  const invitationsOf = (surveyId: mongoose.Types.ObjectId) =>
    ctx.models.invitations.find({ surveyId }).sort({ queuedAt: 1 }).lean();

  return { service, contacts, autopilotSurvey, invitationsOf };
}
