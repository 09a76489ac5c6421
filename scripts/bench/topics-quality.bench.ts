/**
 * How well the starter topics and the sentiment lexicon read real comments (issue 18): over the
 * labelled set in test/fixtures/topic-comments.json (300 comments written for this, English and
 * German, with the topics a person would tag and the sentiment), precision and recall per starter
 * topic and sentiment accuracy (comments labelled "mixed" are counted apart: a lexicon has no answer
 * for them that could be right or wrong).
 *   npm run bench:topics-quality
 */
import { readFileSync } from 'node:fs';

import { analyse } from '../../server/topics/language-tools.js';
import { STARTER_TOPICS } from '../../server/topics/starter-topics.js';
import { compileTopic, matchTopics, sentimentOf } from '../../server/topics/topic-rules.js';

interface Labelled {
  lang: 'en' | 'de';
  text: string;
  topics: string[];
  sentiment: 'positive' | 'neutral' | 'negative' | 'mixed';
}

const rows = JSON.parse(
  readFileSync(new URL('../../test/fixtures/topic-comments.json', import.meta.url), 'utf8'),
) as Labelled[];
const compiled = {
  en: STARTER_TOPICS.map((t) => compileTopic(t, 'en')),
  de: STARTER_TOPICS.map((t) => compileTopic(t, 'de')),
};
const stats = new Map(STARTER_TOPICS.map((t) => [t.id, { tp: 0, fp: 0, fn: 0 }]));
const sentiment = { right: 0, counted: 0, mixed: 0 };
const misses: string[] = [];
for (const row of rows) {
  const analysed = analyse(row.text, row.lang);
  const found = new Set(matchTopics(analysed, compiled[row.lang]));
  for (const [id, s] of stats) {
    const want = row.topics.includes(id);
    if (want && found.has(id)) s.tp++;
    else if (found.has(id)) {
      s.fp++;
      misses.push(`  extra ${id}: [${row.lang}] ${row.text}`);
    } else if (want) {
      s.fn++;
      misses.push(`  missed ${id}: [${row.lang}] ${row.text}`);
    }
  }
  if (row.sentiment === 'mixed') sentiment.mixed++;
  else {
    sentiment.counted++;
    if (sentimentOf(analysed) === row.sentiment) sentiment.right++;
  }
}
console.log(
  `${rows.length} labelled comments (${rows.filter((r) => r.lang === 'en').length} English, ${rows.filter((r) => r.lang === 'de').length} German)`,
);
console.log(
  'topic                     precision  recall   (tp / fp / fn)   targets: precision >= 0.85, recall >= 0.70',
);
for (const t of STARTER_TOPICS) {
  const s = stats.get(t.id)!;
  const precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
  const recall = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
  const met = precision >= 0.85 && recall >= 0.7 ? 'met' : 'NOT met';
  console.log(
    `${t.name.padEnd(25)} ${precision.toFixed(2).padStart(9)}  ${recall.toFixed(2).padStart(6)}   (${s.tp} / ${s.fp} / ${s.fn})   ${met}`,
  );
}
console.log(
  `sentiment accuracy ${(sentiment.right / sentiment.counted).toFixed(2)} (${sentiment.right} of ${sentiment.counted}; ${sentiment.mixed} mixed comments left out)`,
);
if (process.argv.includes('--misses')) console.log(misses.join('\n'));
