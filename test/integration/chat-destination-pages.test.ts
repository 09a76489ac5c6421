import { expect } from 'chai';

import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { addDestination, chatServer } from '../helpers/chat-server.js';
import { useTestContext } from '../helpers/context.js';
import { respondHelpers } from '../helpers/respond.js';

describe('chat destinations page: test messages and bad input', () => {
  const ctx = useTestContext({ OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true' });
  const { invited } = respondHelpers(ctx);
  let chat: Awaited<ReturnType<typeof chatServer>>;
  beforeEach(async () => (chat = await chatServer()));
  afterEach(() => {
    chat.server.closeAllConnections();
    chat.server.close();
  });

  it('sends a test message at once and shows whether it arrived', async () => {
    const { survey } = await invited();
    const surveyId = String(survey._id);
    const admin = await signedInAs(ctx, 'admin');
    await addDestination(admin, surveyId, { kind: 'slack', name: 't', url: `${chat.base}/t`, when: 'all' });
    const id = String((await ctx.models.chatDestinations.findOne({}).lean())!._id);
    const _csrf = csrfTokenOf((await admin.get(`/surveys/${surveyId}/notifications`)).text);
    await admin.post(`/surveys/${surveyId}/notifications/${id}/test`).type('form').send({ _csrf }).expect(303);
    expect((await admin.get(`/surveys/${surveyId}/notifications`)).text).to.contain('Test message delivered.');
    expect(String(chat.state.received[0]!.body.text)).to.contain('[Test]');
    chat.state.status = 500;
    await admin.post(`/surveys/${surveyId}/notifications/${id}/test`).type('form').send({ _csrf }).expect(303);
    expect((await admin.get(`/surveys/${surveyId}/notifications`)).text).to.contain(
      'The test message did not arrive: HTTP 500',
    );
    const log = (await admin.get(`/surveys/${surveyId}/notifications/${id}`).expect(200)).text;
    expect(log).to.contain('Test message').and.contain('HTTP 500');
    // Managers cannot see or change destinations.
    const manager = await signedInAs(ctx, 'manager');
    await manager.get(`/surveys/${surveyId}/notifications`).expect(403);
  });

  it('names what is wrong with a bad destination and stores nothing', async () => {
    const { survey } = await invited();
    const admin = await signedInAs(ctx, 'admin');
    const res = await addDestination(admin, String(survey._id), {
      kind: 'slack',
      name: '',
      url: 'not a url',
      when: 'maxScore',
    });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Name the destination').and.contain('Enter the highest score');
    const bad = await addDestination(admin, String(survey._id), {
      kind: 'slack',
      name: 'x',
      url: 'not a url',
      when: 'all',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('Paste the full webhook address');
    expect(await ctx.models.chatDestinations.countDocuments({})).to.equal(0);
  });
});
