import { expect } from 'chai';

import { outboundFetch } from '../../server/lib/outbound-http.js';
import { createSealer } from '../../server/lib/seal.js';
import { ChatNotifications } from '../../server/notifications/chat.service.js';
import { browser, csrfTokenOf, signedInAs, signIn } from '../helpers/agent.js';
import { addDestination, chatServer } from '../helpers/chat-server.js';
import { useTestContext } from '../helpers/context.js';
import { respondHelpers } from '../helpers/respond.js';

describe('chat notifications (Slack, Microsoft Teams, Google Chat)', () => {
  // The chat server runs on this machine, as a self-hosted one on an internal network would.
  const ctx = useTestContext({ OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true' });
  const { invited, answer } = respondHelpers(ctx);
  let chat: Awaited<ReturnType<typeof chatServer>>;
  beforeEach(async () => (chat = await chatServer()));
  afterEach(() => {
    chat.server.closeAllConnections();
    chat.server.close();
  });

  it('posts what each rule asks for, in each service’s documented shape, never flagged answers', async () => {
    const { survey, token, contact } = await invited();
    const surveyId = String(survey._id);
    const admin = await signedInAs(ctx, 'admin');
    const slackUrl = `${chat.base}/services/T000/B000/slacksecretXYZ1`;
    await addDestination(admin, surveyId, { kind: 'slack', name: '#cs', url: slackUrl, when: 'detractors' }).then((r) =>
      expect(r.status).to.equal(303),
    );
    await addDestination(admin, surveyId, {
      kind: 'teams',
      name: 'CS team',
      url: `${chat.base}/workflows/teams`,
      when: 'all',
      includeIdentity: 'on',
    });
    await addDestination(admin, surveyId, {
      kind: 'googlechat',
      name: 'Space',
      url: `${chat.base}/v1/spaces/AAA/messages`,
      when: 'comment',
    });
    await addDestination(admin, surveyId, {
      kind: 'slack',
      name: 'Basic plan only',
      url: `${chat.base}/basic`,
      when: 'all',
      segmentKey: 'plan',
      segmentValue: 'Basic',
    });

    expect(
      (await answer(token, { score: '3', repurchase: 'not_sure', comment: 'Parcel <b>late</b> & broken' })).status,
    ).to.equal(303);
    const promoter = await invited({ survey });
    await answer(promoter.token, { score: '9' });
    const bot = await invited({ survey });
    await answer(bot.token, { score: '0', comment: 'spam' }, { seconds: 0.5 }); // flagged as automated
    expect(await ctx.services.chat.deliverDue()).to.equal(4);

    const response = (await ctx.models.responses.findOne({ score: 3 }).lean())!;
    const caseDoc = (await ctx.models.followUps.findOne({ responseId: response._id }).lean())!;
    const responseUrl = `${ctx.config.baseUrl}/responses/${String(response._id)}`;
    const caseUrl = `${ctx.config.baseUrl}/follow-ups/${String(caseDoc._id)}`;

    // Slack: Block Kit (header, fields, quoted comment, link buttons), with a text fallback; no identity.
    const [slack] = chat.on('/services/T000/B000/slacksecretXYZ1');
    expect(chat.on('/services/T000/B000/slacksecretXYZ1')).to.have.length(1);
    const blocks = slack!.body.blocks as {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { url: string }[];
    }[];
    expect(slack!.body.text).to.be.a('string').and.contain('Detractor (3/10)');
    expect(blocks.map((b) => b.type)).to.deep.equal(['header', 'section', 'section', 'actions']);
    expect(blocks[1]!.fields!.map((f) => f.text)).to.deep.equal([
      '*Score*\n3 (Detractor)',
      '*Would buy again*\nNot sure',
    ]);
    expect(blocks[2]!.text!.text).to.equal('>Parcel &lt;b&gt;late&lt;/b&gt; &amp; broken');
    expect(blocks[3]!.elements!.map((e) => e.url)).to.deep.equal([responseUrl, caseUrl]);
    expect(JSON.stringify(slack!.body)).not.to.contain(contact.email);

    // Teams: an Adaptive Card in the Workflows message envelope, identity included as allowed.
    const teams = chat.on('/workflows/teams');
    expect(teams).to.have.length(2);
    const attachment = (teams[0]!.body.attachments as Record<string, unknown>[])[0]!;
    expect(teams[0]!.body.type).to.equal('message');
    expect(attachment.contentType).to.equal('application/vnd.microsoft.card.adaptive');
    const card = attachment.content as {
      type: string;
      version: string;
      body: { type: string; facts?: { title: string; value: string }[] }[];
      actions: { type: string; url: string }[];
    };
    expect(card.type).to.equal('AdaptiveCard');
    expect(card.version).to.equal('1.4');
    const facts = card.body.find((b) => b.type === 'FactSet')!.facts!;
    expect(facts.find((f) => f.title === 'Customer')!.value).to.equal(`Ana Secretname <${contact.email}>`);
    expect(card.actions.map((a) => [a.type, a.url])).to.deep.equal([
      ['Action.OpenUrl', responseUrl],
      ['Action.OpenUrl', caseUrl],
    ]);

    // Google Chat: a cardsV2 card; only the answer with a comment.
    const [google] = chat.on('/v1/spaces/AAA/messages');
    expect(chat.on('/v1/spaces/AAA/messages')).to.have.length(1);
    const gcard = (
      google!.body.cardsV2 as {
        cardId: string;
        card: { header: { title: string }; sections: { widgets: Record<string, { text?: string }>[] }[] };
      }[]
    )[0]!;
    expect(gcard.card.header.title).to.contain('Detractor (3/10)');
    const widgets = gcard.card.sections[0]!.widgets;
    expect(widgets.some((w) => w.textParagraph?.text === 'Parcel &lt;b&gt;late&lt;/b&gt; &amp; broken')).to.be.true;
    expect(JSON.stringify(widgets)).to.contain(responseUrl);

    // The segment rule: these contacts are on Pro, so nothing; and the flagged answer went nowhere.
    expect(chat.on('/basic')).to.have.length(0);
    expect(JSON.stringify(chat.state.received)).not.to.contain('spam');

    // The URL is a secret: masked on the page, sealed in the database, never in logs.
    const page = (await admin.get(`/surveys/${surveyId}/notifications`).expect(200)).text;
    expect(page, page.slice(page.indexOf('<code>'), page.indexOf('<code>') + 80))
      .to.contain('/\u2026XYZ1')
      .and.not.contain('slacksecret');
    expect(JSON.stringify(await ctx.models.chatDestinations.find({}).lean())).not.to.contain('slacksecret');
    expect(ctx.logs.join('')).not.to.contain('slacksecret');
    // The answer page the messages link to.
    const shown = (await admin.get(`/responses/${String(response._id)}`).expect(200)).text;
    expect(shown)
      .to.contain('Parcel &lt;b&gt;late&lt;/b&gt;')
      .and.contain(`/follow-ups/${String(caseDoc._id)}`);
  });

  it('posts an edited answer only when it newly matches, and never twice', async () => {
    const { survey, token } = await invited();
    const admin = await signedInAs(ctx, 'admin');
    await addDestination(admin, String(survey._id), {
      kind: 'slack',
      name: 'low',
      url: `${chat.base}/low`,
      when: 'maxScore',
      maxScore: '4',
    });
    await answer(token, { score: '8' }, { link: '8' });
    await ctx.services.chat.deliverDue();
    expect(chat.state.received).to.have.length(0);
    await answer(token, { score: '2' }, { link: '2' }); // newly matches: posted
    await answer(token, { score: '1' }, { link: '1' }); // already posted: nothing more
    await ctx.services.chat.deliverDue();
    await ctx.services.chat.deliverDue();
    expect(chat.state.received).to.have.length(1);
    expect(JSON.stringify(chat.state.received[0]!.body)).to.contain('2 (Detractor)');
  });

  it('queues one message when the same answer is told three times at once', async () => {
    const { survey, token } = await invited();
    const admin = await signedInAs(ctx, 'admin');
    await addDestination(admin, String(survey._id), { kind: 'slack', name: 'x', url: `${chat.base}/x`, when: 'all' });
    await answer(token, { score: '4' });
    await ctx.models.chatDeliveries.deleteMany({});
    const doc = (await ctx.models.responses.findOne({}).lean())!;
    // Three saves of one answer told at once (a double click, two app instances): the unique
    // { destinationId, key } lets one message in; the others' inserts are refused and ignored.
    const { chat: service } = ctx.services;
    await Promise.all([service.notify(doc), service.notify(doc), service.notify(doc)]);
    expect(await ctx.models.chatDeliveries.countDocuments({})).to.equal(1);
  });

  it('retries after a 500 and a timeout with backoff, logs the last error, and reaches the destination', async () => {
    const { survey, token } = await invited();
    const admin = await signedInAs(ctx, 'admin');
    await addDestination(admin, String(survey._id), {
      kind: 'googlechat',
      name: 'g',
      url: `${chat.base}/g`,
      when: 'all',
    });
    await answer(token, { score: '5' });
    const patient = new ChatNotifications({
      destinations: ctx.models.chatDestinations,
      deliveries: ctx.models.chatDeliveries,
      clock: ctx.clock,
      sealer: createSealer(ctx.config.tokenSecret, 'chat-webhook-url'),
      outbound: { allowPrivate: true },
      fetch: outboundFetch({ allowPrivate: true, timeoutMs: 300 }),
      baseUrl: ctx.config.baseUrl,
      lookup: {
        survey: () => Promise.resolve({ name: 'x', type: 'nps' as const, extraQuestions: [], language: 'en' as const }),
        contact: () => Promise.resolve(null),
        caseIdOf: () => Promise.resolve(undefined),
      },
    });
    chat.state.status = 500;
    expect(await patient.deliverDue()).to.equal(1);
    let delivery = (await ctx.models.chatDeliveries.findOne({}).lean())!;
    expect([delivery.status, delivery.attempts, delivery.lastError]).to.deep.equal(['pending', 1, 'HTTP 500']);
    expect(await patient.deliverDue()).to.equal(0); // not due yet: a minute's backoff
    chat.state.hang = true;
    ctx.clock.advance(61_000);
    expect(await patient.deliverDue()).to.equal(1);
    delivery = (await ctx.models.chatDeliveries.findOne({}).lean())!;
    expect(delivery.status).to.equal('pending');
    expect(delivery.lastError).to.match(/abort|timeout/i);
    const log = (
      await admin.get(`/surveys/${String(survey._id)}/notifications/${String(delivery.destinationId)}`).expect(200)
    ).text;
    expect(log).to.match(/abort|timeout/i);
    chat.state.hang = false;
    chat.state.status = 200;
    ctx.clock.advance(5 * 60_000 + 1000);
    expect(await patient.deliverDue()).to.equal(1);
    delivery = (await ctx.models.chatDeliveries.findOne({}).lean())!;
    expect([delivery.status, delivery.attempts]).to.deep.equal(['delivered', 3]);
    expect(chat.state.received.length).to.be.at.least(2); // the 500 and the success (the hung one was cut off)
    const destination = (await ctx.models.chatDestinations.findOne({}).lean())!;
    expect(destination.failingSince).to.equal(undefined);
    expect(destination.lastDeliveredAt).to.be.instanceOf(Date);
  });

  it('switches off a destination that failed for 24 hours, with the reason on the page, until turned back on', async () => {
    const { survey, token } = await invited();
    const surveyId = String(survey._id);
    const admin = await signedInAs(ctx, 'admin');
    await addDestination(admin, surveyId, {
      kind: 'teams',
      name: 'broken',
      url: `${chat.base}/gone`,
      when: 'all',
    });
    chat.state.status = 404;
    await answer(token, { score: '9' });
    for (let hour = 0; hour < 26; hour++) {
      await ctx.services.chat.deliverDue();
      ctx.clock.advance(3_600_000);
      const second = await invited({ survey });
      await answer(second.token, { score: '7' }); // a steady trickle of answers keeps messages coming
    }
    const destination = (await ctx.models.chatDestinations.findOne({}).lean())!;
    expect(destination.switchedOffAt).to.be.instanceOf(Date);
    expect(destination.switchedOffReason).to.contain('24 hours').and.contain('HTTP 404');
    const again = browser(ctx.app); // a day later: the first session has timed out
    await signIn(again, 'admin@example.com');
    const page = (await again.get(`/surveys/${surveyId}/notifications`).expect(200)).text;
    expect(page).to.contain('Switched off').and.contain('Turn back on');
    // Switched off: new answers queue nothing, and what was queued fails without a post.
    const posts = chat.state.received.length;
    ctx.clock.advance(11_000);
    const late = await invited({ survey });
    await answer(late.token, { score: '4' });
    ctx.clock.advance(7 * 3_600_000);
    await ctx.services.chat.deliverDue();
    expect(chat.state.received.length).to.equal(posts);
    expect(await ctx.models.chatDeliveries.countDocuments({ status: 'pending' })).to.equal(0);
    const _csrf = csrfTokenOf(page);
    await again
      .post(`/surveys/${surveyId}/notifications/${String(destination._id)}/turn-on`)
      .type('form')
      .send({ _csrf })
      .expect(303);
    expect((await ctx.models.chatDestinations.findOne({}).lean())!.switchedOffAt).to.equal(undefined);
  });
});
