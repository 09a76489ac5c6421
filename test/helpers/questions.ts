/** Five additional questions: every kind, one required, one asked of the bottom band only. */
export const FIVE_QUESTIONS = [
  {
    id: 'q1',
    kind: 'single',
    text: { en: 'Which product did you buy?', de: 'Welches Produkt haben Sie gekauft?' },
    options: [
      { id: 'o1', text: { en: 'Bike', de: 'Fahrrad' } },
      { id: 'o2', text: { en: 'Helmet', de: 'Helm' } },
      { id: 'o3', text: { en: 'Lock', de: 'Schloss' } },
    ],
    required: true,
    archived: false,
  },
  {
    id: 'q2',
    kind: 'multiple',
    text: { en: 'What went wrong?', de: 'Was lief schief?' },
    options: [
      { id: 'o1', text: { en: 'Late delivery', de: 'Späte Lieferung' } },
      { id: 'o2', text: { en: 'Damaged', de: 'Beschädigt' } },
      { id: 'o3', text: { en: 'Wrong item', de: 'Falscher Artikel' } },
    ],
    required: false,
    showIf: { from: 1, to: 2 },
    archived: false,
  },
  {
    id: 'q3',
    kind: 'rating',
    text: { en: 'Rate your support agent', de: 'Bewerten Sie den Support' },
    options: [],
    required: false,
    archived: false,
  },
  {
    id: 'q4',
    kind: 'text',
    text: { en: 'Anything else?', de: 'Sonst noch etwas?' },
    options: [],
    required: false,
    archived: false,
  },
  {
    id: 'q5',
    kind: 'single',
    text: { en: 'Would you order online again?' },
    options: [
      { id: 'o1', text: { en: 'Yes' } },
      { id: 'o2', text: { en: 'No' } },
    ],
    required: false,
    archived: false,
  },
];
