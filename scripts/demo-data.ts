import mongoose from 'mongoose';

import type { Models } from '../server/boot/models.js';
import { generateToken, hashToken } from '../server/lib/tokens.js';
import { categoryOf, type RepurchaseAnswer } from '../server/vocabulary/answers.js';
import { demoAnswers, seedSurveys } from './demo-surveys.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same demo data. */
export function randomSource(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

const PLANS = ['Free', 'Pro', 'Team', 'Enterprise'] as const;
const REGIONS = ['EU', 'North America', 'APAC'] as const;
const COMMENTS = {
  promoter: [
    'Fast delivery and friendly support.',
    'The app just works. Love the new dashboard.',
    'Great value for the price.',
    'Support solved my problem in minutes.',
    'Easy to set up, my whole team uses it.',
  ],
  passive: [
    'Good, but a bit pricey.',
    'Does the job. The reports could be clearer.',
    'Fine overall, shipping took a while.',
    'Okay. Missing a few integrations we need.',
  ],
  detractor: [
    'Delivery was two weeks late and nobody told me.',
    'Too expensive for what it does.',
    'The app crashes when I export.',
    'Support never answered my emails.',
    'Billing charged me twice.',
  ],
} as const;

/** Each demo survey's level: promoter and detractor shares added to the base (the first is the base). */
const SURVEY_LEVELS = [
  { promoter: 0, detractor: 0 },
  { promoter: 0.12, detractor: -0.07 },
  { promoter: -0.1, detractor: 0.08 },
] as const;

/**
 * Stories for the dashboard, reproducible per seed: the surveys sit at different levels; Pro improves
 * and Free slips over the span; APAC is cooler; EU has a dip two thirds of the way through (a
 * delivery problem) and recovers; November and December are worse everywhere (the holiday rush) and
 * July and August a little better.
 */
function scoreFor(
  rand: ReturnType<typeof randomSource>,
  at: { plan: string; region: string; progress: number; survey: number; month: number },
): number {
  const level = SURVEY_LEVELS[at.survey % SURVEY_LEVELS.length]!;
  let promoter = 0.45 + level.promoter;
  let detractor = 0.2 + level.detractor;
  if (at.plan === 'Pro') {
    promoter += 0.2 * at.progress;
    detractor -= 0.08 * at.progress;
  } else if (at.plan === 'Free') {
    promoter -= 0.15 * at.progress;
    detractor += 0.15 * at.progress;
  } else if (at.plan === 'Enterprise') {
    promoter += 0.08;
  }
  if (at.region === 'APAC') {
    promoter -= 0.08;
    detractor += 0.04;
  }
  if (at.region === 'EU') {
    const dip = Math.max(0, 1 - Math.abs(at.progress - 0.65) / 0.1);
    promoter -= 0.2 * dip;
    detractor += 0.25 * dip;
  }
  if (at.month === 10 || at.month === 11) {
    promoter -= 0.05;
    detractor += 0.06;
  } else if (at.month === 6 || at.month === 7) {
    promoter += 0.03;
  }
  const r = rand.next();
  if (r < promoter) return rand.next() < 0.55 ? 10 : 9;
  if (r < promoter + Math.max(0, detractor)) return Math.floor(rand.next() * 7);
  return rand.next() < 0.5 ? 8 : 7;
}

function repurchaseFor(rand: ReturnType<typeof randomSource>, score: number): RepurchaseAnswer | undefined {
  if (rand.next() < 0.12) return undefined; // some leave it blank
  const r = rand.next();
  if (score >= 9) return r < 0.6 ? 'definitely_would' : r < 0.92 ? 'probably_would' : 'not_sure';
  if (score >= 7)
    return r < 0.15 ? 'definitely_would' : r < 0.6 ? 'probably_would' : r < 0.9 ? 'not_sure' : 'probably_would_not';
  return r < 0.05 ? 'probably_would' : r < 0.3 ? 'not_sure' : r < 0.7 ? 'probably_would_not' : 'definitely_would_not';
}

export interface DemoOptions {
  responses: number;
  surveys: number;
  months: number;
  seed: number;
  /** Also create contacts and invitations (with non-responders, for response rates). */
  withInvitations: boolean;
  /** Create contacts (and link email responses to them) even without invitations. */
  withContacts?: boolean;
  /** Give the surveys two additional questions (demo-questions.ts) and the responses answers to them. */
  withQuestions?: boolean;
  now: Date;
  onProgress?: (done: number, total: number) => void;
}

type Rand = ReturnType<typeof randomSource>;
type ContactProps = { plan: string; region: string; signup_year: string };
type Doc = Record<string, unknown>;

/**
 * Writes a realistic demo data set straight to the collections in batches: surveys, contacts with
 * plan / region / signup year, invitations (about 60% answered), and responses over `months` months
 * with repurchase answers, comments and a few flagged as automated. Day counts are not touched: call
 * aggregates.rebuild() afterwards.
 */
export async function seedDemo(
  models: Models,
  options: DemoOptions,
): Promise<{ surveyIds: mongoose.Types.ObjectId[]; contacts: number; invitations: number; responses: number }> {
  const rand = randomSource(options.seed);
  const surveyIds = await seedSurveys(models, options.surveys, options.withQuestions === true);
  const contactCount = options.withInvitations
    ? Math.max(1, Math.min(options.responses, Math.ceil(options.responses / 1.5)))
    : Math.max(1, Math.min(options.responses, 50_000));
  const contactIds: mongoose.Types.ObjectId[] = [];
  const contactProps: ContactProps[] = [];
  for (let i = 0; i < contactCount; i++) {
    contactIds.push(new mongoose.Types.ObjectId());
    contactProps.push({
      plan: rand.pick(PLANS),
      region: rand.pick(REGIONS),
      signup_year: String(2019 + Math.floor(rand.next() * 7)),
    });
  }
  const withContacts = options.withInvitations || options.withContacts === true;
  if (withContacts) await seedContacts(models, rand, contactIds, contactProps, options.now);

  const BATCH = 10_000;
  const world = { rand, options, surveyIds, contactIds, contactProps, withContacts };
  let invitations = 0;
  let written = 0;
  while (written < options.responses) {
    const size = Math.min(BATCH, options.responses - written);
    const responses: Doc[] = [];
    const invites: Doc[] = [];
    for (let k = 0; k < size; k++) responses.push(oneAnswer(world, invites));
    if (invites.length > 0) await models.invitations.collection.insertMany(invites, { ordered: false });
    await models.responses.collection.insertMany(responses, { ordered: false });
    invitations += invites.length;
    written += size;
    options.onProgress?.(written, options.responses);
  }
  return { surveyIds, contacts: withContacts ? contactCount : 0, invitations, responses: written };
}

async function seedContacts(
  models: Models,
  rand: Rand,
  contactIds: mongoose.Types.ObjectId[],
  contactProps: ContactProps[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < contactIds.length; i += 5000) {
    await models.contacts.collection.insertMany(
      contactIds.slice(i, i + 5000).map((_id, j) => ({
        _id,
        email: `customer${i + j}@demo.example`,
        name: `Customer ${i + j}`,
        locale: rand.next() < 0.15 ? 'de' : 'en',
        properties: contactProps[i + j],
        createdAt: now,
        updatedAt: now,
      })),
      { ordered: false },
    );
  }
}

/** One response (returned) and, for an email answer, its invitation and maybe an unanswered one (pushed). */
function oneAnswer(
  world: {
    rand: Rand;
    options: DemoOptions;
    surveyIds: mongoose.Types.ObjectId[];
    contactIds: mongoose.Types.ObjectId[];
    contactProps: ContactProps[];
    withContacts: boolean;
  },
  invites: Doc[],
): Doc {
  const { rand, options, surveyIds, contactIds, contactProps } = world;
  const spanMs = options.months * 30.4 * 86_400_000;
  const c = Math.floor(rand.next() * contactIds.length);
  const props = contactProps[c]!;
  // More answers lately (the product grew), spread over the whole span.
  const age = Math.pow(rand.next(), 1.3) * spanMs;
  const submittedAt = new Date(options.now.getTime() - age);
  const progress = 1 - age / spanMs;
  const survey = Math.floor(rand.next() * surveyIds.length);
  const surveyId = surveyIds[survey]!;
  const score = scoreFor(rand, { ...props, progress, survey, month: submittedAt.getUTCMonth() });
  const category = categoryOf(score);
  const channel = rand.next() < 0.9 ? 'email' : 'link';
  const comment = rand.next() < 0.3 ? rand.pick(COMMENTS[category]) : '';
  const flagged = rand.next() < 0.005;
  const invitationId = options.withInvitations && channel === 'email' ? new mongoose.Types.ObjectId() : undefined;
  if (invitationId) {
    const sentAt = new Date(submittedAt.getTime() - (1 + rand.next() * 72) * 3_600_000);
    const sent = {
      surveyId,
      tokenHash: hashToken(generateToken()),
      status: 'sent',
      attempts: 1,
      queuedAt: sentAt,
      sentAt,
    };
    // As the app would have left them: an unanswered invitation (an answer flagged as automated does
    // not count as one) had its reminder three days after the email (the survey's default) once that
    // day has passed. The seed keeps no link tokens, so any still to come are settled by the worker
    // in one write (skipUnremindable). Roughly 40% of invitations go unanswered.
    const remindedAt = new Date(sentAt.getTime() + 3 * 86_400_000);
    const reminder = remindedAt.getTime() < options.now.getTime() ? { reminderStatus: 'sent', remindedAt } : {};
    invites.push({
      _id: invitationId,
      ...sent,
      contactId: contactIds[c],
      contactSnapshot: props,
      ...(flagged ? reminder : { respondedAt: submittedAt }),
    });
    if (rand.next() < 0.66) {
      const other = Math.floor(rand.next() * contactIds.length);
      invites.push({
        ...sent,
        tokenHash: hashToken(generateToken()),
        contactId: contactIds[other],
        contactSnapshot: contactProps[other],
        ...reminder,
      });
    }
  }
  return {
    surveyId,
    ...(invitationId ? { invitationId } : {}),
    ...(world.withContacts && channel === 'email' ? { contactId: contactIds[c] } : {}),
    score,
    category,
    repurchase: repurchaseFor(rand, score),
    comment,
    channel,
    tags: [],
    submittedAt,
    firstSubmittedAt: submittedAt,
    contactSnapshot: props,
    ...(options.withQuestions ? { answers: demoAnswers(rand, score) } : {}),
    botSignals: {
      secondsOnPage: flagged ? 0.4 : 8 + Math.round(rand.next() * 120),
      honeypot: false,
      reasons: flagged ? ['fast_submit'] : [],
    },
    review: flagged ? 'flagged' : 'none',
    createdAt: submittedAt,
    updatedAt: submittedAt,
  };
}
