/** The parts of @nlpjs/lang-de this project uses (the package ships no types). */
declare module '@nlpjs/lang-de' {
  export class TokenizerDe {
    /** Words of a text; with `normalize`, lower-cased and without accents (ä -> a). */
    tokenize(text: string, normalize?: boolean): string[];
  }
  export class StemmerDe {
    /** The stems of already-normalised words. */
    stem(tokens: string[]): string[];
  }
  export const SentimentDe: {
    senticon: Record<string, number>;
    negations: { words: string[] };
    stemmed: boolean;
  };
}
