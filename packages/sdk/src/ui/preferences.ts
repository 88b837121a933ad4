// Second layer: one switch per purpose, off unless granted (C1); necessary purposes shown as
// always on; separate-consent purposes each open their own dialog (C5). Nothing is saved
// until "Save"; Escape or × closes without saving.
import type { ConsentStateView } from '@assent/contract/types';
import { isEffective, preferencesDrafts } from '../core/decisions.ts';
import { decideGuarded } from './age-gate.ts';
import { modal } from './focus.ts';
import { h } from './h.ts';
import type { UiProps } from './props.ts';
import { purposeDetails } from './purpose-details.ts';
import type { Strings } from './strings.ts';

/**
 * The preferences dialog. `choices` (purpose key → switch position) belongs to the caller so
 * it survives a re-render while the dialog stays open.
 */
export function preferences(props: UiProps, choices: Record<string, boolean>): HTMLElement {
  const { core, ui, t, exp } = props;
  const states = core.states();
  const now = Date.now();
  const close = () => ui.set({ preferences: false });
  const save = () => {
    const drafts = preferencesDrafts(exp, core.states(), choices, Date.now());
    decideGuarded(props, drafts, { source: 'preferences', surface: 'preferences_save' }, () =>
      ui.set({ preferences: false, banner: false }),
    );
  };
  const separate = exp.purposes.filter((p) => p.separateConsent && !p.necessary);
  const toggle = (key: string) => (e: Event) => {
    choices[key] = !choices[key];
    (e.currentTarget as Element).setAttribute('aria-checked', String(choices[key]));
  };
  return modal(
    'preferences',
    close,
    t.close,
    h('h2', { id: 'assent-preferences-t' }, t.preferences),
    exp.gpc.honoured && h('p', { class: 'note', 'data-assent': 'gpc-note' }, t.gpc),
    exp.purposes
      .filter((p) => !p.separateConsent || p.necessary)
      .map((p) =>
        h(
          'div',
          { class: 'p' },
          h(
            'div',
            { class: 'ph' },
            h('h3', { id: `assent-t-${p.key}` }, p.notice.title),
            h('button', {
              type: 'button',
              class: 'sw',
              role: 'switch',
              'aria-checked': String(p.necessary || choices[p.key] === true),
              'aria-labelledby': `assent-t-${p.key}`,
              disabled: p.necessary,
              'data-assent-toggle': p.key,
              onclick: toggle(p.key),
            }),
          ),
          p.necessary && h('p', { class: 'note' }, t.alwaysOn),
          h('p', null, p.notice.description),
          purposeDetails(p, t),
        ),
      ),
    separate.length > 0 &&
      h(
        'section',
        { 'aria-labelledby': 'assent-sep-h' },
        h('h2', { id: 'assent-sep-h' }, t.separateTitle),
        h('p', null, t.separateIntro),
        separate.map((p) =>
          h(
            'div',
            { class: 'p' },
            h(
              'div',
              { class: 'ph' },
              h('h3', null, p.notice.title),
              h('span', null, separateStatus(states[p.key], now, t)),
            ),
            h('p', null, p.notice.description),
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'data-assent': `separate-open-${p.key}`,
                onclick: () => void ui.askSeparate(p.key),
              },
              t.review,
            ),
          ),
        ),
      ),
    h(
      'p',
      { class: 'note' },
      `${t.controller}: ${exp.property.controller.name} · ${exp.property.controller.contact}`,
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'btn', 'data-assent': 'save', onclick: save }, t.save),
    ),
  );
}

/**
 * The state line of a separate-consent purpose in the "Asked separately" list: agreed (an
 * effective grant), not decided yet (never decided, `unset`: the portal's words), else not agreed.
 */
export function separateStatus(
  view: ConsentStateView | undefined,
  now: number,
  t: Strings,
): string {
  if (isEffective(view, now)) return t.agreed;
  return (view?.status ?? 'unset') === 'unset' ? t.undecided : t.notAgreed;
}
