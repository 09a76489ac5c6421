import type { TestContext } from './context.js';
import { makeResponses, makeSurvey, repeat } from './factories.js';

const DAY = 86_400_000;

/** The PRODUCT.md worked example (60 / 25 / 15) for plan Free, 10 days ago, by email. */
export async function workedExampleSurvey(ctx: TestContext) {
  const survey = await makeSurvey(ctx, { status: 'active' });
  const at = new Date(ctx.clock.now().getTime() - 10 * DAY);
  const base = { submittedAt: at, contactSnapshot: { plan: 'Free' } };
  await makeResponses(ctx, survey._id, repeat(10, 30), {
    ...base,
    repurchase: 'definitely_would',
    comment: 'Love it',
  });
  await makeResponses(ctx, survey._id, repeat(9, 30), { ...base, repurchase: 'probably_would' });
  await makeResponses(ctx, survey._id, repeat(8, 15), { ...base, repurchase: 'not_sure' });
  await makeResponses(ctx, survey._id, repeat(7, 10), base);
  await makeResponses(ctx, survey._id, repeat(3, 10), {
    ...base,
    repurchase: 'definitely_would_not',
    comment: 'Too <b>slow</b>',
  });
  await makeResponses(ctx, survey._id, repeat(6, 5), { ...base, repurchase: 'probably_would_not' });
  return survey;
}
