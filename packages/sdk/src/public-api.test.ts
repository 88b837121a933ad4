import { describe, expect, it, vi } from 'vitest';
import { createCore } from './core/consent-core.ts';
import { memoryStorage } from './core/storage.ts';
import { type AssentApi, type AssentWindow, createPublicApi, installGlobal } from './public-api.ts';
import { fakeApi } from './test/fixtures.ts';
import { createUiController } from './ui/controller.ts';

async function started() {
  const api = fakeApi();
  const core = createCore({
    api: 'http://api.test',
    publishableKey: 'pk_test',
    locale: 'en',
    device: 'AAAAAAAAAAAAAAAAAAAAAA',
    storage: memoryStorage(),
    fetch: api.fetch,
    schedule: () => {},
  });
  const ui = createUiController(core.events);
  const assent = createPublicApi(core, ui);
  await core.load();
  return { assent, ui, core, api };
}

describe('installGlobal', () => {
  it('runs functions pushed before load, in order, then later pushes at once', async () => {
    const { assent } = await started();
    const order: string[] = [];
    const win: AssentWindow = {
      assent: [
        (a: AssentApi) => order.push(`first:${a.has('cart')}`),
        'junk',
        () => order.push('second'),
      ],
    };
    installGlobal(win, assent);
    expect(order).toEqual(['first:true', 'second']);
    expect(win.assent).toBe(assent);
    assent.push(() => order.push('third'));
    expect(order.at(-1)).toBe('third');
  });

  it('late on("ready") subscribers get the current consent', async () => {
    const { assent } = await started();
    const cb = vi.fn();
    assent.on('ready', cb);
    expect(cb).toHaveBeenCalledWith({
      cart: true,
      analytics: false,
      ads: false,
      face_login: false,
    });
  });
});

describe('request', () => {
  it('C5: opens the separate dialog for a separate-consent purpose and resolves with the answer', async () => {
    const { assent, ui } = await started();
    const shown = vi.fn();
    assent.on('shown', shown);
    const answer = assent.request('face_login');
    await vi.waitFor(() => expect(ui.state().separate).toBe('face_login'));
    expect(shown).toHaveBeenCalledWith('separate');
    ui.closeSeparate(true);
    await expect(answer).resolves.toBe(true);
    expect(ui.state().separate).toBeNull();
  });

  it('resolves at once for a necessary purpose and false for an unknown one', async () => {
    const { assent, ui } = await started();
    await expect(assent.request('cart')).resolves.toBe(true);
    await expect(assent.request('nope')).resolves.toBe(false);
    expect(ui.state()).toEqual({ banner: false, preferences: false, separate: null, age: null });
  });
});

describe('withdraw', () => {
  it('C9: one call records a withdrawal and turns the purpose off', async () => {
    const { assent, core, api } = await started();
    await core.decide([{ purpose: 'analytics', decision: 'granted' }], {
      source: 'preferences',
      surface: 'preferences_save',
    });
    expect(assent.has('analytics')).toBe(true);
    await assent.withdraw('analytics');
    expect(assent.getConsent().analytics).toBe(false);
    expect(api.calls.at(-1)?.body).toMatchObject({
      decisions: [{ purpose: 'analytics', decision: 'withdrawn' }],
    });
  });
});
