import { isCounted } from '../vocabulary/answers.js';
import { propertyKeyOf } from '../vocabulary/properties.js';
import type { RuleKind } from './chat-destination.model.js';

/** Which answers a destination hears of; `segment` narrows any rule to one contact property value. */
export interface ChatRule {
  when: RuleKind;
  maxScore?: number | null | undefined;
  segmentKey?: string | null | undefined;
  segmentValue?: string | null | undefined;
}

export interface RuleInput {
  score: number;
  category: string;
  comment?: string | null | undefined;
  review: string;
  /** The contact's properties as they were when the customer answered. */
  properties: ReadonlyMap<string, string>;
}

/** A property's value; names compare without case, as everywhere ("Plan" is "plan"). */
function valueOf(properties: ReadonlyMap<string, string>, name: string): string | undefined {
  const key = propertyKeyOf(name);
  for (const [k, v] of properties) if (propertyKeyOf(k) === key) return v;
  return undefined;
}

/** Whether an answer matches the rule. Never for an answer flagged as automated (or discarded). */
export function matchesRule(rule: ChatRule, answer: RuleInput): boolean {
  if (!isCounted(answer.review)) return false;
  if (rule.segmentKey && valueOf(answer.properties, rule.segmentKey) !== (rule.segmentValue ?? '')) return false;
  switch (rule.when) {
    case 'all':
      return true;
    case 'detractors':
      return answer.category === 'detractor';
    case 'maxScore':
      return answer.score <= (rule.maxScore ?? 6);
    case 'comment':
      return (answer.comment ?? '').trim() !== '';
  }
}

/** The rule in words, for the destinations list. */
export function ruleText(rule: ChatRule): string {
  const base = {
    all: 'Every counted answer',
    detractors: 'Detractors only (0-6 for NPS)',
    maxScore: `Scores up to ${rule.maxScore ?? 6}`,
    comment: 'Answers with a comment',
  }[rule.when];
  return rule.segmentKey ? `${base}, where ${rule.segmentKey} is "${rule.segmentValue ?? ''}"` : base;
}
