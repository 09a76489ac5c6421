/**
 * The demo's surveys, and two additional questions for the demo and the benchmarks (issue 17): which
 * product was bought (single choice) and a 1-5 rating of the delivery, and a respondent's answers.
 */
import type mongoose from 'mongoose';

import type { Models } from '../server/boot/models.js';
import { DEFAULT_QUESTIONS } from '../server/vocabulary/defaults.js';

export const DEMO_QUESTIONS = [
  {
    id: 'q1',
    kind: 'single',
    text: { en: 'Which product did you buy?', de: 'Welches Produkt haben Sie gekauft?' },
    options: [
      { id: 'o1', text: { en: 'Bike', de: 'Fahrrad' } },
      { id: 'o2', text: { en: 'Helmet', de: 'Helm' } },
      { id: 'o3', text: { en: 'Lock', de: 'Schloss' } },
      { id: 'o4', text: { en: 'Service', de: 'Service' } },
    ],
    required: false,
    archived: false,
  },
  {
    id: 'q2',
    kind: 'rating',
    text: { en: 'How would you rate the delivery?', de: 'Wie bewerten Sie die Lieferung?' },
    options: [],
    required: false,
    archived: false,
  },
];

/** A respondent's answers: most say what they bought, fewer rate the delivery (higher with the score). */
export function demoAnswers(rand: { next: () => number }, score: number) {
  const answers: { q: string; choices?: string[]; rating?: number }[] = [];
  if (rand.next() < 0.8)
    answers.push({ q: 'q1', choices: [['o1', 'o1', 'o2', 'o3', 'o4'][Math.floor(rand.next() * 5)]!] });
  if (rand.next() < 0.6)
    answers.push({ q: 'q2', rating: Math.max(1, Math.min(5, Math.round(score / 2 - 0.5 + rand.next() * 1.5))) });
  return answers;
}

/** The demo surveys (active, branded), with the two questions when asked. */
export async function seedSurveys(
  models: Models,
  count: number,
  withQuestions: boolean,
): Promise<mongoose.Types.ObjectId[]> {
  const names = [
    'Customer NPS (demo)',
    'After purchase (demo)',
    'Support follow-up (demo)',
    'Onboarding (demo)',
    'Renewal (demo)',
  ];
  const surveys = await models.surveys.insertMany(
    Array.from({ length: count }, (_, i) => ({
      name: names[i % names.length]! + (i >= names.length ? ` ${i + 1}` : ''),
      companyName: 'Acme Bikes',
      questions: { ...DEFAULT_QUESTIONS },
      ...(withQuestions ? { extraQuestions: DEMO_QUESTIONS } : {}),
      status: 'active',
      senderName: 'Acme Bikes',
      brand: { accentColor: '#0f766e', footerText: 'Acme Bikes GmbH\nVeloweg 12\n10115 Berlin, Germany' },
    })),
  );
  return surveys.map((s) => s._id);
}
