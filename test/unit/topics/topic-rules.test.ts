import { expect } from 'chai';

import { analyse } from '../../../server/topics/language-tools.js';
import { STARTER_TOPICS } from '../../../server/topics/starter-topics.js';
import { compileTopic, matchTopics, sentimentOf } from '../../../server/topics/topic-rules.js';

const topics = (lang: 'en' | 'de') => STARTER_TOPICS.map((t) => compileTopic(t, lang));
const match = (text: string, lang: 'en' | 'de') => matchTopics(analyse(text, lang), topics(lang));

describe('topic matching and sentiment with the NLP libraries (issue 18 groundwork)', () => {
  it('matches English words by stem, prefixes and phrases, and several topics in one comment', () => {
    expect(match('The deliveries were delayed twice', 'en')).to.deep.equal(['delivery']);
    expect(match('Way too expensive and the invoice was wrong', 'en')).to.deep.equal(['price', 'billing']);
    expect(match('Customer service answered within minutes', 'en')).to.deep.equal(['support']);
    expect(match('The app crashes every morning', 'en')).to.deep.equal(['reliability']);
    expect(match('Great bike, I love it', 'en')).to.deep.equal([]);
    // A phrase must stand together in one clause.
    expect(match('The setup was easy to use', 'en')).to.include.members(['onboarding', 'usability']);
    expect(match('Easy, but to use it I needed help', 'en')).to.not.include('usability');
  });

  it('matches German by stem and prefix, compounds included, umlauts folded', () => {
    expect(match('Die Lieferung kam verspätet', 'de')).to.deep.equal(['delivery']);
    expect(match('Die Lieferzeit war zu lang', 'de')).to.deep.equal(['delivery']);
    expect(match('Viel zu teuer, und die Rechnung stimmte nicht', 'de')).to.deep.equal(['price', 'billing']);
    expect(match('Der Kundenservice war sehr freundlich', 'de')).to.deep.equal(['support']);
    expect(match('Die App stürzt ständig ab', 'de')).to.deep.equal(['reliability']);
  });

  it('reads sentiment with negation inside a clause, in both languages', () => {
    const s = (text: string, lang: 'en' | 'de') => sentimentOf(analyse(text, lang));
    expect(s('Great service, I love it', 'en')).to.equal('positive');
    expect(s('Terrible, the worst experience', 'en')).to.equal('negative');
    expect(s('not bad at all', 'en')).to.equal('positive');
    expect(s('The support was not helpful', 'en')).to.equal('negative');
    expect(s('Ich bin sehr zufrieden, alles super', 'de')).to.equal('positive');
    expect(s('Das war schlecht', 'de')).to.equal('negative');
    expect(s('Das war nicht schlecht', 'de')).to.equal('positive');
    expect(s('', 'en')).to.equal('neutral');
  });
});
