import { expect } from 'chai';
import request from 'supertest';

import { createApp } from '../../server/boot/app.js';
import { createModels } from '../../server/boot/models.js';
import { createServices } from '../../server/boot/services.js';
import { connectDatabase } from '../../server/db/connect.js';
import { createUser, DEFAULT_PASSWORD } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { testDatabaseUri } from '../helpers/database.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';

const stampOf = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)![1]!;

describe('two app instances on one database', () => {
  const ctx = useTestContext();

  async function secondInstance() {
    // Its own connection and models, like another process behind the load balancer.
    const connection = await connectDatabase(testDatabaseUri());
    const models = createModels(connection);
    return {
      app: createApp({
        config: ctx.config,
        logger: ctx.logger,
        connection,
        models,
        services: createServices({ config: ctx.config, logger: ctx.logger, models, clock: ctx.clock }),
      }),
      close: () => connection.close(),
    };
  }

  it('shares sessions: signed in on one instance, signed in on the other', async () => {
    const other = await secondInstance();
    try {
      await createUser(ctx, 'manager');
      const a = request.agent(ctx.app);
      const token = /name="_csrf" value="([^"]+)"/.exec((await a.get('/login').expect(200)).text)![1]!;
      const login = await a
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'manager@example.com', password: DEFAULT_PASSWORD })
        .expect(303);
      const cookie = login.headers['set-cookie']!;
      await request(other.app).get('/surveys').set('Cookie', cookie).expect(200);
    } finally {
      await other.close();
    }
  });

  it('counts answers sent to both instances at once exactly: one response each, day counts equal a recount', async () => {
    const other = await secondInstance();
    try {
      const survey = await makeSurvey(ctx, { status: 'active' });
      const invitations = await Promise.all(Array.from({ length: 20 }, () => makeInvitation(ctx, { survey })));
      const pages = await Promise.all(
        invitations.map((inv, i) => request(i % 2 ? other.app : ctx.app).get(`/r/${inv.token}/${i % 11}`)),
      );
      ctx.clock.advance(10_000);
      // Every customer double-submits, once to each instance, all at the same time.
      await Promise.all(
        invitations.flatMap((inv, i) =>
          [ctx.app, other.app].map((app) =>
            request(app)
              .post(`/r/${inv.token}`)
              .type('form')
              .send({ stamp: stampOf(pages[i]!.text), score: String(i % 11) })
              .expect(303),
          ),
        ),
      );
      expect(await ctx.models.responses.countDocuments({ surveyId: survey._id })).to.equal(20);
      const aggregates = ctx.services.aggregates;
      const live = (await aggregates.daysOf(survey._id)).flatMap((d) => d.cells).reduce((sum, c) => sum + c.n, 0);
      expect(live).to.equal(20);
      await aggregates.rebuild(survey._id);
      expect((await aggregates.daysOf(survey._id)).flatMap((d) => d.cells).reduce((sum, c) => sum + c.n, 0)).to.equal(
        20,
      );
    } finally {
      await other.close();
    }
  });
});
