import { expect } from 'chai';
import mongoose from 'mongoose';

import { csrfTokenOf, formToken, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey } from '../helpers/factories.js';

describe('contacts: upload, list, search, contact page, unsubscribe, delete', () => {
  const ctx = useTestContext();

  it('imports an uploaded CSV and shows a report with the skipped rows', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, '/contacts/import');
    const file = Buffer.from(
      '\uFEFFemail;name;plan\r\nana@example.com;Ana;Pro\r\nnope;Bad;Free\r\nbo@example.com;Bo;Free\r\n',
    );
    const res = await agent
      .post('/contacts/import')
      .field('_csrf', token)
      .attach('file', file, 'people.csv')
      .expect(303);
    const report = await agent.get(res.headers.location as string).expect(200);
    expect(report.text).to.contain('people.csv');
    expect(report.text).to.match(/Created<\/dt><dd>2</);
    expect(report.text).to.match(/<td>3<\/td><td>not a valid email address: &quot;nope&quot;<\/td>/);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(2);
    const imports = await ctx.models.contactImports.find({}).lean();
    expect(imports).to.have.length(1);
    expect(String(imports[0]!.createdBy)).to.equal(
      String((await ctx.models.users.findOne({ role: 'manager' }).lean())!._id),
    );
  });

  it('refuses an upload without the form token, and stores nothing', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const res = await agent.post('/contacts/import').attach('file', Buffer.from('email\na@example.com\n'), 'a.csv');
    expect(res.status).to.equal(403);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
    const wrong = await agent
      .post('/contacts/import')
      .field('_csrf', 'forged')
      .attach('file', Buffer.from('email\na@example.com\n'), 'a.csv');
    expect(wrong.status).to.equal(403);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
  });

  it('explains a missing file or a file without an email column', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, '/contacts/import');
    const none = await agent.post('/contacts/import').field('_csrf', token).expect(400);
    expect(none.text).to.contain('Choose a CSV file to import.');
    const noEmail = await agent
      .post('/contacts/import')
      .field('_csrf', token)
      .attach('file', Buffer.from('name,plan\nAna,Pro\n'), 'x.csv')
      .expect(400);
    expect(noEmail.text).to.contain('The file has no email column');
    const notMultipart = await agent.post('/contacts/import').type('form').send({ _csrf: token }).expect(400);
    expect(notMultipart.text).to.contain('Send the file from the upload form');
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
  });

  it('keeps viewers out of importing', async () => {
    const agent = await signedInAs(ctx, 'viewer');
    await agent.get('/contacts/import').expect(403);
    const token = csrfTokenOf((await agent.get('/contacts').expect(200)).text);
    await agent
      .post('/contacts/import')
      .field('_csrf', token)
      .attach('file', Buffer.from('email\na@example.com\n'), 'a.csv')
      .expect(403);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
  });

  it('searches by email prefix or part of the name, pages through results, and treats regex characters literally', async () => {
    await ctx.models.contacts.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        email: `user${String(i).padStart(2, '0')}@example.com`,
        name: i === 7 ? 'Zoë Quist' : `User ${i}`,
      })),
    );
    const agent = await signedInAs(ctx, 'viewer');
    const first = await agent.get('/contacts').expect(200);
    expect(first.text).to.contain('60 contacts');
    expect(first.text).to.contain('Page 1 of 2');
    expect(first.text).to.contain('user00@example.com');
    expect(first.text).not.to.contain('user50@example.com');
    const second = await agent.get('/contacts?page=2').expect(200);
    expect(second.text).to.contain('user59@example.com');
    const byEmail = await agent.get('/contacts?q=USER5').expect(200);
    expect(byEmail.text).to.contain('10 contacts matching');
    const byName = await agent.get('/contacts?q=quist').expect(200);
    expect(byName.text).to.contain('1 contact matching');
    expect(byName.text).to.contain('user07@example.com');
    const regex = await agent.get('/contacts?q=.*').expect(200);
    expect(regex.text).to.contain('0 contacts matching');
    await agent.get('/contacts?q[$ne]=x').expect(200);
  });

  it('shows a contact with properties, invitations and responses; unsubscribing is idempotent', async () => {
    const contact = await ctx.models.contacts.create({
      email: 'cy@example.com',
      name: 'Cy',
      properties: { plan: 'Pro', region: 'EU' },
    });
    const survey = await makeSurvey(ctx, { name: 'Spring NPS' });
    await ctx.models.invitations.create({
      surveyId: survey._id,
      contactId: contact._id,
      tokenHash: 'f'.repeat(64),
      queuedAt: new Date(),
      status: 'sent',
      sentAt: new Date(),
    });
    await makeResponses(ctx, survey._id, [3], { contactId: contact._id, comment: 'Too slow <b>delivery</b>' });
    const agent = await signedInAs(ctx, 'manager');
    const page = await agent.get(`/contacts/${String(contact._id)}`).expect(200);
    expect(page.text).to.contain('<td>plan</td><td>Pro</td>');
    expect(page.text).to.contain('Spring NPS');
    expect(page.text).to.contain('Too slow &lt;b&gt;delivery&lt;/b&gt;');

    const token = csrfTokenOf(page.text);
    await agent
      .post(`/contacts/${String(contact._id)}/unsubscribe`)
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    const first = (await ctx.models.contacts.findById(contact._id).lean())!.unsubscribedAt;
    expect(first).to.be.instanceOf(Date);
    ctx.clock.advance(60_000);
    await agent
      .post(`/contacts/${String(contact._id)}/unsubscribe`)
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    expect((await ctx.models.contacts.findById(contact._id).lean())!.unsubscribedAt!.getTime()).to.equal(
      first!.getTime(),
    );
  });

  it('deletes a contact and their personal data, keeping their score anonymously', async () => {
    const contact = await ctx.models.contacts.create({
      email: 'del@example.com',
      name: 'Del',
      properties: { plan: 'Pro' },
    });
    const other = await ctx.models.contacts.create({ email: 'keep@example.com' });
    const survey = await makeSurvey(ctx);
    const invitation = await ctx.models.invitations.create({
      surveyId: survey._id,
      contactId: contact._id,
      tokenHash: 'e'.repeat(64),
      queuedAt: new Date(),
    });
    await makeResponses(ctx, survey._id, [2], {
      contactId: contact._id,
      invitationId: invitation._id,
      comment: 'call me at 555-0100',
      contactSnapshot: { plan: 'Pro' },
    });
    await makeResponses(ctx, survey._id, [10], { contactId: other._id, comment: 'great' });
    await ctx.models.orders.create({ contactId: contact._id, reference: 'A-1', orderedAt: new Date() });

    const viewer = await signedInAs(ctx, 'viewer');
    const vToken = csrfTokenOf((await viewer.get('/contacts').expect(200)).text);
    await viewer
      .post(`/contacts/${String(contact._id)}/delete`)
      .type('form')
      .send({ _csrf: vToken })
      .expect(403);

    const manager = await signedInAs(ctx, 'manager');
    const confirm = await manager.get(`/contacts/${String(contact._id)}/delete`).expect(200);
    expect(confirm.text).to.contain('This cannot be undone');
    await manager
      .post(`/contacts/${String(contact._id)}/delete`)
      .type('form')
      .send({ _csrf: csrfTokenOf(confirm.text) })
      .expect(303)
      .expect('location', '/contacts');

    expect(await ctx.models.contacts.exists({ _id: contact._id })).to.equal(null);
    expect(await ctx.models.invitations.countDocuments({ contactId: contact._id })).to.equal(0);
    expect(await ctx.models.orders.countDocuments({})).to.equal(0);
    const responses = await ctx.models.responses.find({ surveyId: survey._id }).sort({ score: 1 }).lean();
    expect(responses).to.have.length(2);
    expect(responses[0]).to.include({ score: 2, category: 'detractor', comment: '' });
    expect(responses[0]!.contactId).to.equal(undefined);
    expect(responses[0]!.contactSnapshot).to.deep.equal({});
    expect(responses[1]).to.include({ score: 10, comment: 'great' });
    expect(JSON.stringify(await ctx.connection.db!.collection('responses').find({}).toArray())).not.to.contain(
      '555-0100',
    );
    await manager.get(`/contacts/${String(contact._id)}`).expect(404);
    await manager.get(`/contacts/${new mongoose.Types.ObjectId().toString()}`).expect(404);
  });
});
