import type mongoose from 'mongoose';

import type { Models } from '../server/boot/models.js';

const DAY = 86_400_000;

/**
 * Follow-up cases as the app would have left them for the demo's detractors (the default rule opens
 * one per detractor): those of the last 30 days still open (a third of them in progress), older ones
 * closed as resolved within a few days. Every case counts as already alerted, so the digest job does
 * not mail thousands of old cases after `seed:demo`. Returns how many cases it wrote.
 */
export async function seedFollowUps(
  models: Models,
  surveyIds: readonly mongoose.Types.ObjectId[],
  now: Date,
): Promise<number> {
  const detractors = (await models.responses.collection
    .find(
      { surveyId: { $in: [...surveyIds] }, category: 'detractor', review: 'none' },
      { projection: { _id: 1, surveyId: 1, score: 1, submittedAt: 1 } },
    )
    .toArray()) as unknown as {
    _id: mongoose.Types.ObjectId;
    surveyId: mongoose.Types.ObjectId;
    score: number;
    submittedAt: Date;
  }[];
  const cases = detractors.map((r, i) => {
    const openedAt = r.submittedAt;
    const recent = now.getTime() - openedAt.getTime() < 30 * DAY;
    const actedAt = new Date(openedAt.getTime() + (1 + (i % 47)) * 3_600_000);
    const base = {
      responseId: r._id,
      surveyId: r.surveyId,
      notes: [],
      openedAt,
      openedScore: r.score,
      alertedAt: openedAt,
      createdAt: openedAt,
      updatedAt: openedAt,
    };
    if (recent)
      return i % 3 === 0 ? { ...base, status: 'in_progress', firstActionAt: actedAt } : { ...base, status: 'open' };
    const closedAt = new Date(actedAt.getTime() + (i % 5) * DAY);
    return { ...base, status: 'closed', outcome: 'resolved', firstActionAt: actedAt, closedAt, updatedAt: closedAt };
  });
  for (let i = 0; i < cases.length; i += 5000)
    await models.followUps.collection.insertMany(cases.slice(i, i + 5000), { ordered: false });
  return cases.length;
}
