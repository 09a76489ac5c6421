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
});
