/**
 * Topic assignment speed (issue 18): analyses and matches --comments comments (default 200,000: the
 * labelled set's 300 comments over and over, each with a running number so no two are the same text)
 * against the eight starter topics, with sentiment, in English and German as the set has them; in
 * the same run a bare pass that only tokenises the same comments with the same libraries, as the
 * baseline. Prints comments per second for each and their ratio.
 *   npm run bench:topics [-- --comments 200000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TokenizerDe } from '@nlpjs/lang-de';
import model from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';

import { analyse } from '../../server/topics/language-tools.js';
import { STARTER_TOPICS } from '../../server/topics/starter-topics.js';
import { compileTopic, matchTopics, sentimentOf } from '../../server/topics/topic-rules.js';

const { values } = parseArgs({ options: { comments: { type: 'string', default: '200000' } } });
const total = Number(values.comments);
const labelled = JSON.parse(
  readFileSync(new URL('../../test/fixtures/topic-comments.json', import.meta.url), 'utf8'),
) as { lang: 'en' | 'de'; text: string }[];
const comments = Array.from({ length: total }, (_, i) => {
  const row = labelled[i % labelled.length]!;
  return { lang: row.lang, text: `${row.text} (${i})` };
});

const compiled = {
  en: STARTER_TOPICS.map((t) => compileTopic(t, 'en')),
  de: STARTER_TOPICS.map((t) => compileTopic(t, 'de')),
};
const nlp = winkNLP(model);
const tokenizerDe = new TokenizerDe();

function time(fn: () => number): { seconds: number; check: number } {
  const started = performance.now();
  const check = fn();
  return { seconds: (performance.now() - started) / 1000, check };
}

const bare = time(() => {
  let words = 0;
  for (const c of comments)
    words += c.lang === 'de' ? tokenizerDe.tokenize(c.text, true).length : nlp.readDoc(c.text).tokens().length();
  return words;
});
const full = time(() => {
  let mentions = 0;
  for (const c of comments) {
    const analysed = analyse(c.text, c.lang);
    mentions += matchTopics(analysed, compiled[c.lang]).length;
    if (sentimentOf(analysed) === 'negative') mentions += 0;
  }
  return mentions;
});
const rate = (s: number) => Math.round(total / s);
console.log(`${total.toLocaleString('en')} comments (English and German, the labelled set repeated)`);
console.log(
  `baseline: tokenise only            ${rate(bare.seconds).toLocaleString('en').padStart(8)} comments/s (${bare.seconds.toFixed(1)} s)`,
);
console.log(
  `topics + sentiment (8 starter topics) ${rate(full.seconds).toLocaleString('en').padStart(8)} comments/s (${full.seconds.toFixed(1)} s)   ratio to baseline ${(bare.seconds / full.seconds).toFixed(2)}   target >= 5,000/s: ${rate(full.seconds) >= 5000 ? 'met' : 'NOT met'}`,
);
console.log(`(${full.check.toLocaleString('en')} topic mentions found)`);
