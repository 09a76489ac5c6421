import { expect } from 'chai';
import type mongoose from 'mongoose';

import { bandOf, type SurveyType } from '../../server/vocabulary/scales.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey, repeat } from '../helpers/factories.js';
import { FIVE_QUESTIONS } from '../helpers/questions.js';

const DAY = 86_400_000;

/** Text of a page without tags, spaces collapsed: what a reader sees. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('results of CSAT, CES and star surveys, and of additional questions (issue 17)', () => {
  const ctx = useTestContext();

  /** Responses straight to the database with the score's band, then the counts rebuilt (npm run results:rebuild). */
  async function answers(
    survey: { _id: mongoose.Types.ObjectId; type?: string | null },
    scores: number[],
    extra: Record<string, unknown> = {},
  ) {
    const type = (survey.type ?? 'nps') as SurveyType;
    await ctx.models.responses.insertMany(
      scores.map((score) => ({
        surveyId: survey._id,
        score,
        category: bandOf(type, score),
        channel: 'email',
        submittedAt: ctx.clock.now(),
        ...extra,
      })),
    );
    await ctx.services.aggregates.rebuild(survey._id);
  }

  it('shows CSAT % with its Wilson interval, and a change against the previous period with the two-proportion test', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'csat' });
    // Now: 16 of 20 answer 4-5 -> 80.0%; Wilson 95%: centre (0.8 + 1.96²/40)/(1 + 1.96²/20) = 0.7517,
    // half-width 1.96 × √(0.8 × 0.2/20 + 1.96²/1600)/1.19208 = 0.1677 -> 58.4% to 91.9%.
    await answers(survey, [...repeat(5, 10), ...repeat(4, 6), ...repeat(3, 2), 2, 1]);
    // 100 days ago (the previous 90 days): 8 of 20 -> 40%; pooled p = 0.6, SE = √(0.6 × 0.4 × 0.1) = 0.1549,
    // z = 0.4/0.1549 = 2.58 > 1.96: significant.
    await answers(survey, [...repeat(4, 8), ...repeat(2, 12)], {
      submittedAt: new Date(ctx.clock.now().getTime() - 100 * DAY),
    });
    const agent = await signedInAs(ctx, 'viewer');
    const page = textOf((await agent.get(`/surveys/${String(survey._id)}/results`).expect(200)).text);
    expect(page).to.contain('CSAT 80.0% 95% interval 58.4% to 91.9% · n = 20 responses');
    expect(page).to.contain('Previous period');
    expect(page).to.contain('CSAT 40.0% (n = 20)');
    expect(page).to.contain('Change +40.0 percentage points: statistically significant at 95%.');
    expect(page).to.contain('Satisfied (4-5) 16 80.0%');
    expect(page).to.contain('Scores 1-5');
    expect(page).to.contain('Wilson score interval at 95%');
    expect(page).not.to.contain('Net Promoter Score');
  });

  it('does not call 16 of 20 against 14 of 20 a significant change (z = 0.73)', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'csat' });
    await answers(survey, [...repeat(5, 16), ...repeat(1, 4)]);
    await answers(survey, [...repeat(4, 14), ...repeat(3, 6)], {
      submittedAt: new Date(ctx.clock.now().getTime() - 100 * DAY),
    });
    const agent = await signedInAs(ctx, 'viewer');
    const page = textOf((await agent.get(`/surveys/${String(survey._id)}/results`).expect(200)).text);
    expect(page).to.contain('Difference +10.0 percentage points: not a significant change');
  });

  it('shows the CES mean with its t interval and the share of 5-7, and Welch’s test for the change', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'ces' });
    // 7×4, 6×3, 5×2, 4, 2×2: n 12, mean 64/12 = 5.33, s² = (378 − 64²/12)/11 = 3.333,
    // t(0.975, 11) = 2.201 -> 5.33 ± 2.201 × 1.826/√12 = 4.17 to 6.49; 9 of 12 answer 5-7 = 75.0% (Wilson 46.8% to 91.1%).
    await answers(survey, [...repeat(7, 4), ...repeat(6, 3), ...repeat(5, 2), 4, 2, 2]);
    // Before: 3×6, 2×6: mean 2.5, s² = 0.273; Welch t = 2.83/√(3.333/12 + 0.273/12) = 5.17: significant.
    await answers(survey, [...repeat(3, 6), ...repeat(2, 6)], {
      submittedAt: new Date(ctx.clock.now().getTime() - 100 * DAY),
    });
    const agent = await signedInAs(ctx, 'viewer');
    const page = textOf((await agent.get(`/surveys/${String(survey._id)}/results`).expect(200)).text);
    expect(page).to.contain('CES 5.33 95% interval 4.17 to 6.49 · n = 12 responses');
    expect(page).to.contain('75.0% answered 5-7 (95% interval 46.8% to 91.1%, 9 of 12)');
    expect(page).to.contain('Change +2.83 on the 1-7 scale: statistically significant at 95%.');
    expect(page).to.contain('Easy (5-7) 9 75.0%');
    expect(page).to.contain("Welch's two-sample t-test");
  });

  it('shows a star survey’s mean with its t interval, marked as a small sample', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'stars' });
    // 5×3, 4, 1: mean 4.00, s² = (92 − 80)/4 = 3, t(0.975, 4) = 2.776 -> 4 ± 2.776 × 1.732/√5 = 1.85 to 6.15.
    await answers(survey, [5, 5, 5, 4, 1]);
    const agent = await signedInAs(ctx, 'viewer');
    const page = textOf((await agent.get(`/surveys/${String(survey._id)}/results`).expect(200)).text);
    expect(page).to.contain('Average rating 4.00 95% interval 1.85 to 6.15 · n = 5 responses small sample');
    expect(page).to.contain('80.0% answered 4-5');
    expect(page).to.contain('Stars 1-5');
  });

  it('counts each question’s answers with Wilson intervals, a rating’s mean with its t interval, and breaks CSAT down by answer', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'csat', extraQuestions: FIVE_QUESTIONS });
    const q = (choices: string[], more: Record<string, unknown>[] = []) => ({
      answers: [{ q: 'q1', choices }, ...more],
    });
    // q1: Bike ×8 (all 5s), Helmet ×10 (all 2s), Lock ×2 (4s); q3 ratings 5, 4, 4, 3 on four Bike answers.
    await answers(survey, repeat(5, 4), q(['o1'], [{ q: 'q3', rating: 5 }]));
    await answers(survey, [5], q(['o1'], [{ q: 'q3', rating: 3 }]));
    await answers(survey, [5, 5], q(['o1'], [{ q: 'q3', rating: 4 }]));
    await answers(survey, [5], q(['o1']));
    await answers(survey, repeat(2, 10), q(['o2'], [{ q: 'q2', choices: ['o1', 'o2'] }]));
    await answers(survey, [4, 4], q(['o3']));
    await answers(survey, [3]); // answered none of the questions
    const agent = await signedInAs(ctx, 'viewer');
    const page = textOf((await agent.get(`/surveys/${String(survey._id)}/results?range=all`).expect(200)).text);
    // 8/20 = 40.0% (Wilson 21.9% to 61.3%), 10/20 = 50.0% (29.9% to 70.1%), 2/20 = 10.0% (2.8% to 30.1%).
    expect(page).to.contain('Which product did you buy? · Single choice 20 responses answered it');
    expect(page).to.contain('Bike 8 40.0% 21.9% to 61.3%');
    expect(page).to.contain('Helmet 10 50.0% 29.9% to 70.1%');
    expect(page).to.contain('Lock 2 10.0% 2.8% to 30.1%');
    expect(page).to.contain('Late delivery 10 100.0%');
    // Ratings 5, 5, 5, 5, 3, 4, 4: mean 31/7 = 4.43.
    expect(page).to.contain('Mean 4.43 of 5');
    const breakdown = textOf(
      (
        await agent
          .get(`/surveys/${String(survey._id)}/results?range=all&segment=${encodeURIComponent('$q:q1')}`)
          .expect(200)
      ).text,
    );
    expect(breakdown).to.contain('CSAT by answer to “Which product did you buy?”');
    // Bike: 8 of 8 satisfied against 2 of 12 among the others: significant. 1 response answered nothing.
    expect(breakdown).to.match(/Bike 100\.0% [0-9.]+% to 100\.0% 8 small sample significantly different/);
    expect(breakdown).to.match(/Helmet 0\.0% 0\.0% to [0-9.]+% 10 small sample significantly different/);
    expect(breakdown).to.contain('1 responses did not answer it');
  });

  it('keeps existing NPS surveys exactly as they were counted (the migration only names their type)', async () => {
    const old = await makeSurvey(ctx, { status: 'active' });
    await ctx.models.surveys.collection.updateOne({ _id: old._id }, { $unset: { type: '' } });
    await answers(old, [...repeat(10, 6), ...repeat(8, 2), ...repeat(3, 2)]);
    expect(await ctx.services.surveys.setMissingTypes()).to.equal(1);
    expect((await ctx.models.surveys.findById(old._id).lean())!.type).to.equal('nps');
    const agent = await signedInAs(ctx, 'viewer');
    const page = textOf((await agent.get(`/surveys/${String(old._id)}/results`).expect(200)).text);
    // 6 promoters, 2 detractors of 10: NPS +40.
    expect(page).to.contain('Net Promoter Score +40');
    expect(page).to.contain('Promoters (9-10) 6 60.0%');
  });
});
