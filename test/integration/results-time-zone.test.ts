import { expect } from 'chai';

import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey } from '../helpers/factories.js';

describe('survey results in a reporting time zone', () => {
  const ctx = useTestContext({ REPORT_TIME_ZONE: 'America/New_York' });

  it('counts a response at 23:30 in New York on 31 January on the 31st, not on 1 February', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await makeResponses(ctx, survey._id, [10], { submittedAt: new Date('2026-02-01T04:30:00Z') });
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results?range=custom`;
    expect((await viewer.get(`${url}&from=2026-01-31&to=2026-01-31`).expect(200)).text).to.contain('n = 1 responses');
    expect((await viewer.get(`${url}&from=2026-02-01&to=2026-02-01`).expect(200)).text).to.contain(
      'No responses in this view yet.',
    );
    expect((await viewer.get(`${url}&from=2026-01-31&to=2026-01-31`).expect(200)).text).to.contain(
      '(America/New_York)',
    );
  });

  it('shows the comment dates in the reporting time zone, on the day the figures count them', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await makeResponses(ctx, survey._id, [3], {
      submittedAt: new Date('2026-02-01T04:30:00Z'),
      comment: 'Late at night',
      repurchase: 'probably_would',
    });
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results/comments?range=custom&from=2026-01-31&to=2026-01-31`;
    const page = (await viewer.get(url).expect(200)).text;
    expect(page).to.contain('31 Jan 2026, 23:30 GMT-5');
    expect(page).not.to.contain('UTC');
    // Labels, not stored codes.
    expect(page).to.contain('Probably would').and.not.contain('probably_would');
  });
});
