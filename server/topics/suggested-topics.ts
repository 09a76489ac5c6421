/**
 * Suggested topics (issue 18), pure: words and two-word phrases that recur among a survey's comments
 * and that no topic covers yet, ranked by how strongly they lean toward detractors or promoters, each
 * with its count and three example comments. English candidates are nouns and adjective/noun + noun
 * pairs (wink-nlp's part-of-speech tags); German ones, without a tagger in the library, are words of
 * five letters or more that are not stopwords, and pairs of them. Grouped by stem, shown as written.
 */
import type { NpsCategory } from '../vocabulary/answers.js';
import type { Language } from '../vocabulary/languages.js';
import type { AnalysedComment, Word } from './language-tools.js';
import type { CompiledTopic } from './topic-rules.js';

export interface CommentForSuggestions {
  text: string;
  analysed: AnalysedComment;
  category: NpsCategory;
}

export interface Suggestion {
  phrase: string;
  language: Language;
  count: number;
  promoters: number;
  detractors: number;
  /** (detractors - promoters) / count: 1 all detractors, -1 all promoters. */
  lean: number;
  examples: string[];
}

const isNounish = (w: Word) => w.pos === 'NOUN' || w.pos === 'PROPN';
const isCandidateWord = (w: Word, language: Language) =>
  !w.stop && (language === 'de' ? w.normal.length >= 5 : isNounish(w) && w.normal.length >= 3);
const covered = (w: Word, topics: readonly CompiledTopic[]) =>
  topics.some((t) => t.stems.has(w.stem) || t.prefixes.some((p) => w.normal.startsWith(p)));

/** The candidate phrases of one comment (each once), keyed by their stems. */
function candidatesOf(comment: AnalysedComment, topics: readonly CompiledTopic[]): Map<string, string> {
  const { words, language } = comment;
  const out = new Map<string, string>();
  words.forEach((w, i) => {
    if (covered(w, topics)) return;
    if (isCandidateWord(w, language)) out.set(w.stem, w.normal);
    const next = words[i + 1];
    if (!next || next.clause !== w.clause || covered(next, topics) || w.stop || next.stop) return;
    const pair =
      language === 'de'
        ? isCandidateWord(w, language) && isCandidateWord(next, language)
        : isNounish(next) && (isNounish(w) || w.pos === 'ADJ');
    if (pair) out.set(`${w.stem} ${next.stem}`, `${w.normal} ${next.normal}`);
  });
  return out;
}

export function suggestTopics(
  comments: readonly CommentForSuggestions[],
  topicsByLanguage: Partial<Record<Language, readonly CompiledTopic[]>>,
  options: { minCount?: number; limit?: number } = {},
): Suggestion[] {
  const minCount = options.minCount ?? 3;
  const found = new Map<
    string,
    {
      language: Language;
      forms: Map<string, number>;
      count: number;
      promoters: number;
      detractors: number;
      examples: string[];
    }
  >();
  for (const c of comments) {
    const language = c.analysed.language;
    for (const [key, form] of candidatesOf(c.analysed, topicsByLanguage[language] ?? [])) {
      const id = `${language}:${key}`;
      const entry = found.get(id) ?? {
        language,
        forms: new Map<string, number>(),
        count: 0,
        promoters: 0,
        detractors: 0,
        examples: [] as string[],
      };
      entry.count++;
      entry.forms.set(form, (entry.forms.get(form) ?? 0) + 1);
      if (c.category === 'promoter') entry.promoters++;
      if (c.category === 'detractor') entry.detractors++;
      if (entry.examples.length < 3) entry.examples.push(c.text);
      found.set(id, entry);
    }
  }
  return [...found.values()]
    .filter((e) => e.count >= minCount)
    .map((e) => ({
      phrase: [...e.forms.entries()].sort((a, b) => b[1] - a[1])[0]![0],
      language: e.language,
      count: e.count,
      promoters: e.promoters,
      detractors: e.detractors,
      lean: (e.detractors - e.promoters) / e.count,
      examples: e.examples,
    }))
    .sort((a, b) => Math.abs(b.lean) - Math.abs(a.lean) || b.count - a.count || a.phrase.localeCompare(b.phrase))
    .slice(0, options.limit ?? 10);
}
