// The separate-consent dialog: its own notice, with necessity and impact stated before the
// accept control (PIPL 29, 30; C5, C6); its answer is recorded as a batch of its own.
import type { Purpose } from '@assent/contract/types';
import { SEPARATE_SURFACE } from '@assent/policy';
import { separateDraft, separateNoticeProblems } from '../core/decisions.ts';
import { decideGuarded } from './age-gate.ts';
import { modal } from './focus.ts';
import { h } from './h.ts';
import type { UiProps } from './props.ts';
import { purposeDetails } from './purpose-details.ts';

/**
 * The dialog for one separate-consent purpose. Escape or × closes it without recording
 * anything; "Agree" / "Don't agree" record a decision. A notice missing `necessity` or
 * `impact` is a configuration error: it is reported on 'error' and no "Agree" is offered.
 */
export function separateDialog(props: UiProps, p: Purpose): HTMLElement {
  const { core, ui, t } = props;
  const problems = separateNoticeProblems(p);
  if (problems.length) {
    core.events.emit(
      'error',
      new Error(`Assent: notice for ${p.key} lacks ${problems.join(' and ')} (PIPL 30)`),
    );
  }
  const answer = (agree: boolean) =>
    // The decision applies locally at once (after the age steps, C12); the API call continues
    // in the background.
    decideGuarded(
      props,
      [separateDraft(p, core.states()[p.key], agree)],
      { source: 'sensitive_dialog', surface: SEPARATE_SURFACE },
      () => ui.closeSeparate(agree && core.has(p.key)),
      true,
    );
  const button = (key: string, label: string, agree: boolean) =>
    h(
      'button',
      { type: 'button', class: 'btn', 'data-assent': key, onclick: () => answer(agree) },
      label,
    );
  return modal(
    'separate-dialog',
    () => ui.closeSeparate(false),
    t.close,
    h('h2', { id: 'assent-separate-dialog-t' }, p.notice.title),
    h('p', null, p.notice.description),
    h('h3', null, t.necessity),
    h('p', null, p.notice.necessity ?? ''),
    h('h3', null, t.impact),
    h('p', null, p.notice.impact ?? ''),
    purposeDetails(p, t),
    problems.length > 0 && h('p', { class: 'warn' }, t.incomplete),
    h(
      'div',
      { class: 'row' },
      !problems.length && button('separate-grant', t.agree, true),
      button('separate-deny', t.disagree, false),
    ),
  );
}
