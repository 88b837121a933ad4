// The widget's own words in each built-in locale. Notice texts come from the API instead.
import type { LegalBasis } from '@assent/policy';

export interface Strings {
  region: string;
  title: string;
  /** `{name}` is replaced by the property's name. */
  summary: string;
  /** The banner's text on a narrow screen (details behind "Customize"); `{name}` as above. */
  summaryShort: string;
  reconfirm: string;
  acceptAll: string;
  rejectAll: string;
  customize: string;
  preferences: string;
  alwaysOn: string;
  basis: string;
  bases: Record<LegalBasis, string>;
  retention: string;
  recipients: string;
  nobody: string;
  data: string;
  separateTitle: string;
  separateIntro: string;
  review: string;
  agreed: string;
  notAgreed: string;
  /** A purpose never decided (`unset`); the portal's words for the same state. */
  undecided: string;
  save: string;
  close: string;
  necessity: string;
  impact: string;
  agree: string;
  disagree: string;
  incomplete: string;
  reopen: string;
  gpc: string;
  controller: string;
  /** Age gate (C12); `{n}` is the age asked about. */
  ageTitle: string;
  ageQuestion: string;
  ageWhy: string;
  ageYes: string;
  ageNo: string;
  guardianTitle: string;
  guardianText: string;
  guardianConfirm: string;
  cancel: string;
}

const en: Strings = {
  region: 'Privacy choices',
  title: 'Your privacy choices',
  summary:
    '{name} asks your consent to use your data for the purposes below. Nothing is on unless you turn it on; change your mind any time under “Privacy choices”.',
  summaryShort: '{name} asks your consent for these purposes. Nothing is on unless you turn it on.',
  reconfirm: 'Some earlier choices need renewing.',
  acceptAll: 'Accept all',
  rejectAll: 'Reject all',
  customize: 'Customize',
  preferences: 'Privacy preferences',
  alwaysOn: 'Always on',
  basis: 'Legal basis',
  bases: {
    consent: 'Your consent',
    contract: 'Needed for our contract with you',
    legal_obligation: 'Required by law',
    legitimate_interest: 'Legitimate interest',
  },
  retention: 'Kept for',
  recipients: 'Shared with',
  nobody: 'No one',
  data: 'Data used',
  separateTitle: 'Asked separately',
  separateIntro:
    'These involve sensitive personal information or sharing with others, so each needs its own agreement.',
  review: 'Review',
  agreed: 'Agreed',
  notAgreed: 'Not agreed',
  undecided: 'Not decided yet',
  save: 'Save choices',
  close: 'Close',
  necessity: 'Why it is necessary',
  impact: 'Impact on your rights',
  agree: 'Agree',
  disagree: 'Don’t agree',
  incomplete: 'This notice is incomplete, so agreement cannot be given here.',
  reopen: 'Privacy choices',
  gpc: 'Your browser’s Global Privacy Control signal was honoured: your data is not sold or shared.',
  controller: 'Controller',
  ageTitle: 'Your age',
  ageQuestion: 'Are you {n} or older?',
  ageWhy:
    'Below {n}, the law asks a parent or guardian to give this consent. Your answer stays on this device and is sent with your choices.',
  ageYes: 'Yes, I am {n} or older',
  ageNo: 'No, I am under {n}',
  guardianTitle: 'A parent or guardian must agree',
  guardianText:
    'Because you are under {n}, a parent or guardian has to give this consent. Please ask them to read the choice and confirm it here.',
  guardianConfirm: 'I am the parent or guardian and I agree',
  cancel: 'Cancel',
};

const zhCN: Strings = {
  region: '隐私选择',
  title: '您的隐私选择',
  summary:
    '{name} 希望征得您的同意，将您的数据用于以下目的。除非您主动开启，否则均不会开启；您可随时在“隐私选择”中更改。',
  summaryShort: '{name} 希望征得您的同意，将您的数据用于以下目的。除非您主动开启，否则均不会开启。',
  reconfirm: '您之前的部分选择需要重新确认。',
  acceptAll: '全部接受',
  rejectAll: '全部拒绝',
  customize: '自定义',
  preferences: '隐私偏好设置',
  alwaysOn: '始终开启',
  basis: '法律依据',
  bases: {
    consent: '您的同意',
    contract: '履行与您的合同所必需',
    legal_obligation: '法律规定',
    legitimate_interest: '合法利益',
  },
  retention: '保存期限',
  recipients: '提供给',
  nobody: '无',
  data: '涉及的数据',
  separateTitle: '单独同意',
  separateIntro: '以下用途涉及敏感个人信息或向他人提供，需要您逐项单独同意。',
  review: '查看',
  agreed: '已同意',
  notAgreed: '未同意',
  undecided: '尚未决定',
  save: '保存选择',
  close: '关闭',
  necessity: '处理的必要性',
  impact: '对您权益的影响',
  agree: '同意',
  disagree: '不同意',
  incomplete: '该告知内容不完整，因此无法在此表示同意。',
  reopen: '隐私选择',
  gpc: '已遵从您浏览器的全球隐私控制（GPC）信号：不会出售或共享您的数据。',
  controller: '个人信息处理者',
  ageTitle: '您的年龄',
  ageQuestion: '您是否已满 {n} 周岁？',
  ageWhy:
    '未满 {n} 周岁的，依法须由父母或其他监护人作出此项同意。您的回答仅保存在本设备上，并随您的选择一并发送。',
  ageYes: '是，我已满 {n} 周岁',
  ageNo: '否，我未满 {n} 周岁',
  guardianTitle: '需要父母或监护人同意',
  guardianText:
    '由于您未满 {n} 周岁，此项同意须由您的父母或其他监护人作出。请让他们阅读该选择并在此确认。',
  guardianConfirm: '我是其父母或监护人，我同意',
  cancel: '取消',
};

/** Built-in strings by locale; the keys are the locales the widget resolves to. */
export const STRINGS: Readonly<Record<string, Strings>> = { en, 'zh-CN': zhCN };

/** The locales with built-in strings, for `resolveLocale`. */
export const SUPPORTED_LOCALES: readonly string[] = Object.keys(STRINGS);

/** A product team's strings: per locale, any subset (a new locale falls back to English per key). */
export type StringOverrides = Readonly<Record<string, Partial<Strings>>>;

/**
 * Strings for a resolved locale: English, then the built-in locale, then the product's
 * overrides for it, key by key.
 */
export function stringsFor(locale: string, overrides: StringOverrides = {}): Strings {
  return { ...en, ...STRINGS[locale], ...overrides[locale] };
}
