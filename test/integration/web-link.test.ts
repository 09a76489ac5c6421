import { expect } from 'chai';
import request from 'supertest';

import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { stampOf } from '../helpers/respond.js';

describe('the anonymous web link (/s/<id>)', () => {
  const ctx = useTestContext({ WEB_LINK_ANSWERS_PER_HOUR: '5' });

  async function withWebLink(status = 'active') {
    const survey = await makeSurvey(ctx, { status, companyName: 'Acme Bikes' });
    const manager = await signedInAs(ctx, 'manager');
    const show = await manager.get(`/surveys/${String(survey._id)}`).expect(200);
    expect(show.text).to.contain('Turn the web link on');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(show.text)![1]!;
    await manager
      .post(`/surveys/${String(survey._id)}/web-link`)
      .type('form')
      .send({ _csrf: csrf, action: 'enable' })
      .expect(303);
    const after = await manager.get(`/surveys/${String(survey._id)}`).expect(200);
    const url = /value="(http[^"]+\/s\/[A-Za-z0-9_-]{22})"/.exec(after.text)![1]!;
    return { survey, manager, csrf, path: new URL(url).pathname };
  }

  it('records an answer with channel link; a double submit of the same page gives one response', async () => {
    const { path } = await withWebLink();
    const page = await request(ctx.app).get(`${path}/9`).expect(200);
    expect(page.text).to.match(/value="9" checked/);
    expect(page.text).not.to.contain('data-autosave');
    ctx.clock.advance(15_000);
    const stamp = stampOf(page.text);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        request(ctx.app)
          .post(path)
          .type('form')
          .send({ stamp, score: '9', repurchase: 'definitely_would', website: '' }),
      ),
    );
    expect(results.map((r) => r.status)).to.deep.equal([303, 303, 303]);
    const stored = await ctx.models.responses.find({}).lean();
    expect(stored).to.have.length(1);
    expect([stored[0]!.channel, stored[0]!.invitationId, stored[0]!.review]).to.deep.equal(['link', undefined, 'none']);
    expect((await request(ctx.app).get(`${path}/thanks`).expect(200)).text).to.contain('Thank you!');
  });

  it('flags an answer whose hidden honeypot field was filled in', async () => {
    const { path } = await withWebLink();
    const page = await request(ctx.app).get(path).expect(200);
    ctx.clock.advance(15_000);
    await request(ctx.app)
      .post(path)
      .type('form')
      .send({ stamp: stampOf(page.text), score: '1', website: 'http://spam.example' })
      .expect(303);
    const r = (await ctx.models.responses.findOne({}).lean())!;
    expect([r.review, r.botSignals!.reasons]).to.deep.equal(['flagged', ['honeypot']]);
  });

  it('limits answers per client and hour', async () => {
    const { path } = await withWebLink();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await request(ctx.app).get(path).expect(200);
      ctx.clock.advance(5000);
      statuses.push(
        (
          await request(ctx.app)
            .post(path)
            .type('form')
            .send({ stamp: stampOf(page.text), score: '7' })
        ).status,
      );
    }
    expect(statuses).to.deep.equal([303, 303, 303, 303, 303, 429]);
    expect(await ctx.models.responses.countDocuments({})).to.equal(5);
  });

  it('stops working when turned off (404) or when the survey is closed (410)', async () => {
    const { survey, manager, csrf, path } = await withWebLink();
    await ctx.models.surveys.updateOne({ _id: survey._id }, { $set: { status: 'closed' } });
    await request(ctx.app).get(path).expect(410);
    await manager
      .post(`/surveys/${String(survey._id)}/web-link`)
      .type('form')
      .send({ _csrf: csrf, action: 'disable' })
      .expect(303);
    await request(ctx.app).get(path).expect(404);
    await request(ctx.app).post(path).type('form').send({ stamp: 'x', score: '9' }).expect(404);
    expect(await ctx.models.responses.countDocuments({})).to.equal(0);
  });

  it('lets only managers turn the web link on', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}`).expect(200);
    expect(page.text).not.to.contain('Turn the web link on');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await viewer
      .post(`/surveys/${String(survey._id)}/web-link`)
      .type('form')
      .send({ _csrf: csrf, action: 'enable' })
      .expect(403);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.webLinkId).to.equal(undefined);
  });
});
