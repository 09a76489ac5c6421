import { Readable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';

import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation } from '../helpers/factories.js';

const stampOf = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)![1]!;

/** GDPR erasure: after deleting a contact, nothing anywhere leads back to them. */
describe('deleting a contact removes them from every collection', () => {
  const ctx = useTestContext();

  it('leaves no trace of the email, name, property values, comment or id in any collection', async () => {
    const { survey, contact, token } = await makeInvitation(ctx);
    const surveyId = String(survey._id);
    await ctx.models.contacts.updateOne({ _id: contact._id }, { $set: { 'properties.city': 'Secretville' } });
    const admin = await signedInAs(ctx, 'admin');
    // A webhook (its delivery stores the answer), then a detractor's answer (opens a follow-up case).
    const hooks = await admin.get(`/surveys/${surveyId}/webhooks`).expect(200);
    await admin
      .post(`/surveys/${surveyId}/webhooks`)
      .type('form')
      .send({ _csrf: csrfTokenOf(hooks.text), url: 'https://hooks.example.com/nps', events: 'response.created' })
      .expect(201);
    const page = await request(ctx.app).get(`/r/${token}/2`).expect(200);
    ctx.clock.advance(12_000);
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp: stampOf(page.text), score: '2', comment: 'Secretcomment about my order' })
      .expect(303);
    // The manager replies from the case: a note quoting the address, and a copy in the outbox.
    const caseId = String((await ctx.models.followUps.findOne({}).lean())!._id);
    const casePage = await admin.get(`/follow-ups/${caseId}`).expect(200);
    await admin
      .post(`/follow-ups/${caseId}/reply`)
      .type('form')
      .send({ _csrf: csrfTokenOf(casePage.text), subject: 'Sorry', message: 'Dear Ana Secretname, sorry.' })
      .expect(303);
    // An import report that names the address (a repeated row), an order and an event trigger.
    await ctx.services.contactImports.importCsv(
      Readable.from([Buffer.from(`email,name\n${contact.email},Ana Secretname\n${contact.email},Ana Secretname\n`)]),
    );
    await ctx.services.orderImports.importCsv(
      Readable.from([Buffer.from(`email,reference,ordered_at\n${contact.email},A-1,2026-01-05\n`)]),
    );
    const before = await everything();
    for (const secret of [contact.email, 'Secretcomment', String(contact._id)]) expect(before).to.contain(secret);

    const confirm = await admin.get(`/contacts/${String(contact._id)}/delete`).expect(200);
    const deleted = await admin
      .post(`/contacts/${String(contact._id)}/delete`)
      .type('form')
      .send({ _csrf: csrfTokenOf(confirm.text) })
      .expect(303);
    // The next page shows the one-time confirmation (it names the address), which then leaves the session.
    expect((await admin.get(deleted.headers.location!).expect(200)).text).to.contain(contact.email);

    const collections = await ctx.connection.db!.collections();
    for (const collection of collections) {
      const text = JSON.stringify(await collection.find({}).toArray());
      for (const secret of [contact.email, 'Ana Secretname', 'Secretville', 'Secretcomment', String(contact._id)])
        expect(text, `${collection.collectionName} still holds ${secret}`).not.to.contain(secret);
    }
    // The answer still counts, and the delivered invitation still counts as delivered.
    expect(await ctx.models.responses.countDocuments({ surveyId: survey._id, score: 2 })).to.equal(1);
    expect(await ctx.models.invitations.countDocuments({ surveyId: survey._id, status: 'sent' })).to.equal(1);
  });

  async function everything(): Promise<string> {
    const collections = await ctx.connection.db!.collections();
    const all = await Promise.all(collections.map(async (c) => JSON.stringify(await c.find({}).toArray())));
    return all.join('\n');
  }
});
