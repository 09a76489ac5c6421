import { readFileSync } from 'node:fs';
import { expect } from 'chai';

import { analyse } from '../../../server/topics/language-tools.js';
import { STARTER_TOPICS } from '../../../server/topics/starter-topics.js';
import { suggestTopics } from '../../../server/topics/suggested-topics.js';
import { compileTopic } from '../../../server/topics/topic-rules.js';

describe('suggested topics (issue 18 groundwork)', () => {
  it('finds a recurring phrase no topic covers, leaning toward detractors, with its count and examples', () => {
    const comment = (text: string, category: 'promoter' | 'passive' | 'detractor', lang: 'en' | 'de' = 'en') => ({
      text,
      category,
      analysed: analyse(text, lang),
    });
    const comments = [
      comment('The return label was missing from the box', 'detractor'),
      comment('No return label, I had to print one myself', 'detractor'),
      comment('Return label missing again!', 'detractor'),
      comment('Where is the return label?', 'passive'),
      comment('Lovely colours, the colours are great', 'promoter'),
      comment('Great colours and a fast delivery', 'promoter'),
      comment('The colours look even better in real life', 'promoter'),
      comment('Delivery was late, the parcel was late', 'detractor'),
      comment('Das Rücksendeetikett fehlte im Karton', 'detractor', 'de'),
      comment('Kein Rücksendeetikett dabei', 'detractor', 'de'),
      comment('Rücksendeetikett fehlte schon wieder', 'passive', 'de'),
    ];
    const topics = {
      en: STARTER_TOPICS.map((t) => compileTopic(t, 'en')),
      de: STARTER_TOPICS.map((t) => compileTopic(t, 'de')),
    };
    const suggestions = suggestTopics(comments, topics);
    const byPhrase = new Map(suggestions.map((s) => [s.phrase, s]));
    // "return label": 4 comments, 3 detractors, no promoter -> lean 0.75.
    expect(byPhrase.get('return label')).to.include({
      count: 4,
      detractors: 3,
      promoters: 0,
      lean: 0.75,
      language: 'en',
    });
    expect(byPhrase.get('return label')!.examples).to.have.length(3);
    // "colours" (wink-nlp writes British spellings the American way): promoters only -> lean -1.
    expect(byPhrase.get('colors')).to.include({ count: 3, promoters: 3, lean: -1 });
    expect(byPhrase.get('rucksendeetikett')).to.include({ count: 3, detractors: 2, language: 'de' });
    // Delivery is a starter topic: its words are never suggested.
    expect([...byPhrase.keys()].some((p) => p.includes('delivery') || p.includes('parcel'))).to.equal(false);
    // Strongest lean first.
    expect(Math.abs(suggestions[0]!.lean)).to.equal(1);
  });

  it('suggests something from the labelled set that the starter topics miss', () => {
    const rows = JSON.parse(readFileSync(new URL('../../fixtures/topic-comments.json', import.meta.url), 'utf8')) as {
      lang: 'en' | 'de';
      text: string;
      sentiment: string;
    }[];
    const comments = rows.map((r) => ({
      text: r.text,
      category:
        r.sentiment === 'negative'
          ? ('detractor' as const)
          : r.sentiment === 'positive'
            ? ('promoter' as const)
            : ('passive' as const),
      analysed: analyse(r.text, r.lang),
    }));
    const topics = {
      en: STARTER_TOPICS.map((t) => compileTopic(t, 'en')),
      de: STARTER_TOPICS.map((t) => compileTopic(t, 'de')),
    };
    const suggestions = suggestTopics(comments, topics, { minCount: 3, limit: 20 });
    expect(suggestions.length).to.be.greaterThan(0);
    for (const s of suggestions) expect(s.count).to.be.at.least(3);
  });
});
