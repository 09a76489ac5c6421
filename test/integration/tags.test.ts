import { expect } from 'chai';
import { parse } from 'csv-parse/sync';

import { signedInAs, utf8Text } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

describe('response tags', () => {
  const ctx = useTestContext();

  it('tags answers from the comments tab, filters results by tag, and exports the tags', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await makeResponses(ctx, survey._id, repeat(10, 5), { comment: 'Great' });
    const [late] = await makeResponses(ctx, survey._id, [2], { comment: 'Late delivery' });
    const manager = await signedInAs(ctx, 'manager');
    const comments = `/surveys/${String(survey._id)}/results/comments`;
    const page = await manager.get(comments).expect(200);
    expect(page.text).to.contain('Add tag');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await manager
      .post(`/responses/${String(late!._id)}/tags`)
      .type('form')
      .send({ _csrf: csrf, tag: '  Shipping ', action: 'add', back: comments })
      .expect(303)
      .expect('Location', comments);
    expect((await ctx.models.responses.findById(late!._id).lean())!.tags).to.deep.equal(['shipping']);
    expect((await ctx.models.tags.find({}).lean()).map((t) => t.name)).to.deep.equal(['shipping']);

    const filtered = await manager.get(`/surveys/${String(survey._id)}/results?range=all&tag=shipping`).expect(200);
    expect(filtered.text).to.contain('n = 1 responses');
    expect(filtered.text).to.contain('<option value="shipping" selected>shipping</option>');
    const csv = await manager
      .get(`/surveys/${String(survey._id)}/results/export.csv?range=all`)
      .buffer(true)
      .parse(utf8Text)
      .expect(200);
    const rows: Record<string, string>[] = parse(csv.body as string, { columns: true });
    expect(rows.filter((r) => r.tags === 'shipping').map((r) => r.comment)).to.deep.equal(['Late delivery']);

    await manager
      .post(`/responses/${String(late!._id)}/tags`)
      .type('form')
      .send({ _csrf: csrf, tag: 'shipping', action: 'remove', back: comments })
      .expect(303);
    expect((await ctx.models.responses.findById(late!._id).lean())!.tags).to.deep.equal([]);
    // The managed list: removing a tag there untags every answer.
    await manager
      .post(`/responses/${String(late!._id)}/tags`)
      .type('form')
      .send({ _csrf: csrf, tag: 'Refund', action: 'add', back: comments })
      .expect(303);
    expect((await manager.get('/tags').expect(200)).text).to.contain('<span class="tag">refund</span>');
    await manager.post('/tags/remove').type('form').send({ _csrf: csrf, tag: 'refund' }).expect(303);
    expect((await ctx.models.responses.findById(late!._id).lean())!.tags).to.deep.equal([]);
    expect(await ctx.models.tags.countDocuments({ name: 'refund' })).to.equal(0);
    await manager
      .post(`/responses/${String(late!._id)}/tags`)
      .type('form')
      .send({ _csrf: csrf, tag: 'x', action: 'add', back: 'https://evil.example/' })
      .expect(400);
    const viewer = await signedInAs(ctx, 'viewer');
    const viewerPage = await viewer.get(comments).expect(200);
    expect(viewerPage.text).not.to.contain('Add tag');
    const viewerCsrf = /name="_csrf" value="([^"]+)"/.exec(viewerPage.text)?.[1] ?? csrf;
    await viewer
      .post(`/responses/${String(late!._id)}/tags`)
      .type('form')
      .send({ _csrf: viewerCsrf, tag: 'x', action: 'add', back: comments })
      .expect(403);
  });
});
