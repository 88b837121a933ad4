// When the widget asks the age and when a guardian confirms (C12), before a grant is recorded.
import type { Experience } from '@assent/contract/types';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../core/storage.ts';
import { shopExperience } from '../test/fixtures.ts';
import { ageStep, ageStore } from './age-gate.ts';

const gated: Experience = {
  ...shopExperience(),
  age: {
    gate: true,
    threshold: 14,
    ask: ['face_login'],
    guardian: ['analytics', 'ads', 'face_login'],
  },
};

describe('ageStep', () => {
  it.each<{
    name: string;
    exp?: Experience;
    grants: string[];
    band: string | null;
    want: string | null;
  }>([
    {
      name: 'C12: a grant the property age-checks, age unknown → ask',
      grants: ['face_login'],
      band: null,
      want: 'ask',
    },
    {
      name: 'C12: declared under the threshold → the guardian confirms',
      grants: ['face_login'],
      band: 'under_14',
      want: 'guardian',
    },
    {
      name: 'C12: a declared minor accepting ordinary purposes → the guardian confirms',
      grants: ['analytics'],
      band: 'under_14',
      want: 'guardian',
    },
    {
      name: 'C12: 14 or older → nothing more',
      grants: ['face_login', 'analytics'],
      band: '14_plus',
      want: null,
    },
    {
      name: 'C12: an answer to an older, lower question → ask again',
      grants: ['face_login'],
      band: '13_plus',
      want: 'ask',
    },
    {
      name: 'C12: not age-checked and age unknown → nothing (reject-all and accept-all stay one click)',
      grants: ['analytics'],
      band: null,
      want: null,
    },
    { name: 'C12: refusals only → nothing', grants: [], band: 'under_14', want: null },
    {
      name: 'no gate in the experience → nothing',
      exp: shopExperience(),
      grants: ['face_login'],
      band: null,
      want: null,
    },
  ])('$name', ({ exp = gated, grants, band, want }) => {
    expect(ageStep(exp, grants, band)).toBe(want);
  });
});

describe('ageStore', () => {
  it('keeps the band per property', () => {
    const storage = memoryStorage();
    ageStore(storage, 'pk_a').set('under_14');
    expect(ageStore(storage, 'pk_a').get()).toBe('under_14');
    expect(ageStore(storage, 'pk_b').get()).toBeNull();
  });
});
