/**
 * Topics' keyword rules and matching (issue 18), pure over analysed comments (language-tools.ts): a
 * rule is a word ("late": any form with the same stem - "lateness" no, "late" and "later" by the
 * stemmer's say), a prefix ("delay*": delayed, delays, Lieferzeit for "liefer*"), or a phrase
 * ("credit card": consecutive words, each by its stem). A comment can match several topics; a negated
 * mention is still a mention ("not late" is about delivery) - negation is sentiment's business.
 */
import type { Language } from '../vocabulary/languages.js';
import { normalOf, stemOf, type AnalysedComment } from './language-tools.js';

export interface TopicRules {
  id: string;
  /** Keywords per language, as an admin typed them. */
  keywords: Partial<Record<Language, readonly string[]>>;
}

export interface CompiledTopic {
  id: string;
  stems: Set<string>;
  prefixes: string[];
  phrases: string[][];
}

/** A topic's keywords for one language, stemmed as that language's comments are. */
export function compileTopic(topic: TopicRules, language: Language): CompiledTopic {
  const compiled: CompiledTopic = { id: topic.id, stems: new Set(), prefixes: [], phrases: [] };
  for (const raw of topic.keywords[language] ?? []) {
    const keyword = raw.trim();
    if (!keyword) continue;
    if (keyword.endsWith('*')) {
      const prefix = normalOf(keyword.slice(0, -1), language);
      if (prefix.length >= 3) compiled.prefixes.push(prefix);
    } else if (/\s/.test(keyword)) {
      const parts = keyword
        .split(/\s+/)
        .map((w) => stemOf(w, language))
        .filter(Boolean);
      if (parts.length > 0) compiled.phrases.push(parts);
    } else {
      const stem = stemOf(keyword, language);
      if (stem) compiled.stems.add(stem);
    }
  }
  return compiled;
}

/** The ids of the topics a comment mentions, in the order given. */
export function matchTopics(comment: AnalysedComment, topics: readonly CompiledTopic[]): string[] {
  const { words } = comment;
  return topics
    .filter(
      (t) =>
        words.some((w) => t.stems.has(w.stem) || t.prefixes.some((p) => w.normal.startsWith(p))) ||
        t.phrases.some((phrase) =>
          words.some((_, i) =>
            phrase.every((stem, j) => words[i + j]?.stem === stem && words[i + j]!.clause === words[i]!.clause),
          ),
        ),
    )
    .map((t) => t.id);
}

export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/** The lexicon's score as a word: a secondary hint beside the score, never instead of it. */
export function sentimentOf(comment: AnalysedComment): Sentiment {
  if (comment.words.length === 0) return 'neutral';
  return comment.sentiment > 0.05 ? 'positive' : comment.sentiment < -0.05 ? 'negative' : 'neutral';
}
