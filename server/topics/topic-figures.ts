/**
 * Topics' figures (issue 18), pure over counts: for each topic, how many comments mention it and their
 * share of all comments, the NPS of the responses mentioning it with n and the adjusted-Wald interval
 * (results/nps.ts, PRODUCT.md), its difference from the NPS of the responses that do not mention it and
 * whether that is significant (the results page's test), and as a key driver how many points the
 * overall NPS would move without the topic's detractors.
 */
import { differsSignificantly, npsFigures, type NpsCounts, type NpsFigures } from '../results/nps.js';

export interface TopicCounts {
  id: string;
  name: string;
  /** The responses (with a comment) that mention the topic, by category. */
  counts: NpsCounts;
}

export interface TopicFigures {
  id: string;
  name: string;
  mentions: number;
  /** Share of the commented responses in view that mention it, in percent. */
  share: number;
  figures: NpsFigures;
  /** The topic's NPS minus the NPS of the responses that do not mention it; null when either is empty. */
  difference: number | null;
  significant: boolean;
  /** Points the overall NPS would gain without the topic's detractors (0 when it has none). */
  driverEffect: number | null;
}

const total = (c: NpsCounts) => c.promoters + c.passives + c.detractors;
const minus = (a: NpsCounts, b: NpsCounts): NpsCounts => ({
  promoters: a.promoters - b.promoters,
  passives: a.passives - b.passives,
  detractors: a.detractors - b.detractors,
});

/**
 * `all` counts every response in view (the overall NPS), `commented` the ones with a comment (the
 * share's whole). A response mentioning two topics is in both rows.
 */
export function topicFigures(topics: readonly TopicCounts[], all: NpsCounts, commented: number): TopicFigures[] {
  const overall = npsFigures(all).nps;
  return topics.map((t) => {
    const figures = npsFigures(t.counts);
    const rest = minus(all, t.counts);
    const restNps = npsFigures(rest).nps;
    const withoutDetractors = npsFigures({ ...all, detractors: all.detractors - t.counts.detractors }).nps;
    return {
      id: t.id,
      name: t.name,
      mentions: figures.n,
      share: commented === 0 ? 0 : (100 * figures.n) / commented,
      figures,
      difference: figures.nps === null || restNps === null ? null : figures.nps - restNps,
      significant: figures.n > 0 && total(rest) > 0 && differsSignificantly(t.counts, rest),
      driverEffect: overall === null || withoutDetractors === null ? null : withoutDetractors - overall,
    };
  });
}

/** Key drivers: the topics that pull the NPS down most first (largest effect), then by mentions. */
export function keyDrivers(rows: readonly TopicFigures[]): TopicFigures[] {
  return [...rows]
    .filter((r) => r.figures.detractors > 0)
    .sort((a, b) => (b.driverEffect ?? 0) - (a.driverEffect ?? 0) || b.mentions - a.mentions);
}
