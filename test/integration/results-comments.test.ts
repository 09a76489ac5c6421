import { expect } from 'chai';

import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { workedExampleSurvey } from '../helpers/results.js';

describe('survey results: the comments tab', () => {
  const ctx = useTestContext();
  const workedExample = () => workedExampleSurvey(ctx);

  it('lists comments newest first, escaped, filterable by category and paged', async () => {
    const survey = await workedExample();
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results/comments`;
    const count = (html: string) => (html.match(/<li class="comment">/g) ?? []).length;
    const page = await viewer.get(`${url}?comments=detractor`).expect(200);
    expect(count(page.text)).to.equal(10);
    expect(page.text).to.contain('Too &lt;b&gt;slow&lt;/b&gt;');
    expect(page.text).not.to.contain('Love it');
    expect(page.text).not.to.contain('>Older</a>');
    // 40 comments: 20 on the newest page, 20 on the older one, in order, none twice.
    const all = await viewer.get(url).expect(200);
    expect(count(all.text)).to.equal(20);
    expect(all.text).not.to.contain('>Newest</a>');
    const older = /<a href="([^"]+)">Older<\/a>/
      .exec(all.text)![1]!
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    expect(older).to.match(/\/results\/comments\?range=90d&before=\d+\.[a-f0-9]{24}$/);
    const second = await viewer.get(older).expect(200);
    expect(count(second.text)).to.equal(20);
    expect(second.text).to.match(/<a href="[^"]+\/results\/comments\?range&#x3D;90d">Newest<\/a>/);
    expect(second.text).not.to.contain('>Older</a>');
    const ids = (html: string) => [...html.matchAll(/id="tag-([a-f0-9]{24})"/g)].map((m) => m[1]);
    expect(new Set([...ids(all.text), ...ids(second.text)]).size).to.equal(
      ids(all.text).length + ids(second.text).length,
    );
    await viewer.get(`${url}?before=nonsense`).expect(400);
  });
});
