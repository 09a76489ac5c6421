/**
 * A comment as words, per language, with real NLP libraries (issue 18): English through wink-nlp and
 * its English model (tokens, Porter stems, negation scope, a sentiment lexicon), German through
 * @nlpjs/lang-de (tokenizer, Snowball stemmer, the SentiCon lexicon) with the stopword package's
 * German list. All ship their data
 * in the npm package; nothing is downloaded at run time. Pure apart from loading the model once.
 */
import { SentimentDe, StemmerDe, TokenizerDe } from '@nlpjs/lang-de';
import { deu } from 'stopword';
import model from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';

import type { Language } from '../vocabulary/languages.js';

/* eslint-disable @typescript-eslint/unbound-method -- wink-nlp's its.* are plain functions (its
   documented use is `tokens.out(its.normal)`), typed as methods of the its object. */

/** One word of a comment: as written (lower case, accents kept for English, folded for German), its stem, and its clause. */
export interface Word {
  normal: string;
  stem: string;
  /** Within the scope of a "not" / "kein" in its clause. */
  negated: boolean;
  /** Which clause of the comment it is in (sentences, and parts split by "but" / "aber"). */
  clause: number;
  stop: boolean;
  /** English only: the part of speech (NOUN, ADJ, ...), for suggested topics. */
  pos?: string | undefined;
}

export interface AnalysedComment {
  language: Language;
  words: Word[];
  /** The lexicon's sentiment, -1 (negative) to 1 (positive), negation handled within a clause. */
  sentiment: number;
}

const nlp = winkNLP(model);
const its = nlp.its;
// wink-nlp's typings give its.stem a signature its own out() does not accept; it works as documented.
const stemIts = its.stem as unknown as typeof its.normal;

const tokenizerDe = new TokenizerDe();
const stemmerDe = new StemmerDe();
// @nlpjs/lang-de ships no German stopword list (its StopwordsDe starts empty): the stopword package's.
const STOPWORDS_DE = new Set(deu.flatMap((w) => tokenizerDe.tokenize(w, true)));
const NEGATIONS_DE = new Set(SentimentDe.negations.words);
const CLAUSE_BREAKS_DE = new Set(['aber', 'jedoch', 'sondern', 'trotzdem', 'doch']);
const CLAUSE_BREAKS_EN = new Set(['but', 'however', 'although', 'though', 'yet']);

function english(text: string): AnalysedComment {
  const doc = nlp.readDoc(text);
  const tokens = doc.tokens();
  const normals = tokens.out<string>(its.normal);
  const stems = tokens.out<string>(stemIts);
  const negations = tokens.out(its.negationFlag) as boolean[];
  const types = tokens.out<string>(its.type);
  const stops = tokens.out(its.stopWordFlag) as boolean[];
  const tags = tokens.out<string>(its.pos);
  // Each sentence's first token starts a new clause; so do "," ";" and "but".
  const starts = new Set((doc.sentences().out(its.span) as unknown as [number, number][]).map(([first]) => first));
  const words: Word[] = [];
  let clause = 0;
  normals.forEach((normal, i) => {
    if (i > 0 && starts.has(i)) clause++;
    if (types[i] === 'punctuation' || CLAUSE_BREAKS_EN.has(normal)) {
      if (normal === ',' || normal === ';' || CLAUSE_BREAKS_EN.has(normal)) clause++;
      return;
    }
    if (types[i] !== 'word' && types[i] !== 'number') return;
    words.push({
      normal,
      stem: stems[i] ?? normal,
      negated: negations[i] === true,
      clause,
      stop: stops[i] === true,
      pos: tags[i],
    });
  });
  return { language: 'en', words, sentiment: Number(doc.out(its.sentiment)) };
}

function german(text: string): AnalysedComment {
  const words: Word[] = [];
  let clause = 0;
  // Sentences and clauses first (the tokenizer drops punctuation), then words.
  for (const part of text.split(/[.!?;,\n]+/)) {
    const tokens = tokenizerDe.tokenize(part, true);
    const stems = stemmerDe.stem([...tokens]);
    let negated = false;
    tokens.forEach((normal, i) => {
      if (CLAUSE_BREAKS_DE.has(normal)) {
        clause++;
        negated = false;
        return;
      }
      if (NEGATIONS_DE.has(normal)) {
        negated = true;
        return;
      }
      words.push({ normal, stem: stems[i] ?? normal, negated, clause, stop: STOPWORDS_DE.has(normal) });
    });
    clause++;
  }
  return { language: 'de', words, sentiment: germanSentiment(words) };
}

/** SentiCon's stemmed scores summed per clause, a negated word counting against, scaled to -1..1. */
function germanSentiment(words: readonly Word[]): number {
  let sum = 0;
  let scored = 0;
  for (const w of words) {
    const score = SentimentDe.senticon[w.stem];
    if (score === undefined) continue;
    sum += w.negated ? -score : score;
    scored++;
  }
  return scored === 0 ? 0 : Math.max(-1, Math.min(1, sum / Math.sqrt(scored)));
}

export function analyse(text: string, language: Language): AnalysedComment {
  return language === 'de' ? german(text) : english(text);
}

/** The stem a keyword is matched by, in the comment's language (a rule's words are stemmed the same way). */
export function stemOf(word: string, language: Language): string {
  if (language === 'de') {
    const [normal] = tokenizerDe.tokenize(word, true);
    return normal ? (stemmerDe.stem([normal])[0] ?? normal) : '';
  }
  return nlp.readDoc(word).tokens().out<string>(stemIts)[0] ?? '';
}

/** A keyword as the comment's words are written (lower case; German folded like the tokenizer). */
export function normalOf(word: string, language: Language): string {
  if (language === 'de') return tokenizerDe.tokenize(word, true)[0] ?? '';
  return nlp.readDoc(word).tokens().out<string>(its.normal)[0] ?? '';
}
