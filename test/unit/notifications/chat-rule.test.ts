import { expect } from 'chai';

import { COMMENT_MAX, slackMessage, trimComment } from '../../../server/notifications/chat-message.js';
import { matchesRule, ruleText } from '../../../server/notifications/chat-rule.js';

const answer = (score: number, extra: { comment?: string; review?: string; plan?: string } = {}) => ({
  score,
  category: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor',
  comment: extra.comment ?? '',
  review: extra.review ?? 'none',
  properties: new Map(extra.plan ? [['Plan', extra.plan]] : []),
});

describe('chat rules', () => {
  it('matches by rule kind', () => {
    expect([0, 6, 7, 10].map((s) => matchesRule({ when: 'detractors' }, answer(s)))).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
    expect([3, 4, 5].map((s) => matchesRule({ when: 'maxScore', maxScore: 4 }, answer(s)))).to.deep.equal([
      true,
      true,
      false,
    ]);
    expect(matchesRule({ when: 'comment' }, answer(9, { comment: '  ' }))).to.be.false;
    expect(matchesRule({ when: 'comment' }, answer(9, { comment: 'Great' }))).to.be.true;
    expect(matchesRule({ when: 'all' }, answer(8))).to.be.true;
  });

  it('never matches a flagged or discarded answer; an accepted one counts', () => {
    expect(matchesRule({ when: 'all' }, answer(2, { review: 'flagged' }))).to.be.false;
    expect(matchesRule({ when: 'all' }, answer(2, { review: 'discarded' }))).to.be.false;
    expect(matchesRule({ when: 'all' }, answer(2, { review: 'accepted' }))).to.be.true;
  });

  it('narrows to a segment, comparing property names without case', () => {
    const rule = { when: 'all' as const, segmentKey: 'plan', segmentValue: 'Pro' };
    expect(matchesRule(rule, answer(5, { plan: 'Pro' }))).to.be.true;
    expect(matchesRule(rule, answer(5, { plan: 'Basic' }))).to.be.false;
    expect(matchesRule(rule, answer(5))).to.be.false;
    expect(ruleText(rule)).to.equal('Every counted answer, where plan is "Pro"');
    expect(ruleText({ when: 'maxScore', maxScore: 4 })).to.equal('Scores up to 4');
  });

  it('trims long comments and folds their white space', () => {
    expect(trimComment(' a\n\n b ')).to.equal('a b');
    const long = trimComment('x'.repeat(2000));
    expect(long).to.have.length(COMMENT_MAX);
    expect(long.endsWith('\u2026')).to.be.true;
    const message = slackMessage({
      surveyName: 'S',
      score: 1,
      category: 'Detractor',
      comment: '',
      responseUrl: 'https://a/r',
    });
    expect(message.blocks.map((b) => b.type)).to.deep.equal(['header', 'section', 'actions']); // no empty quote
  });
});
