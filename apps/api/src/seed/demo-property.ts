// The demo shop's property: five consent purposes that exercise the domain (plus a necessary one),
// with notices in zh-CN and en. Development only: its keys are public on purpose.
import type { PropertyConfigInput } from '../domain/property-config.ts';

export const DEMO_PUBLISHABLE_KEY = 'pk_demo_shop';
/** Public development secret key for the demo's backend calls; real keys come from `pnpm assent`. */
export const DEMO_SECRET_KEY = 'sk_demo_shop_development_only_000000000001';
/** Public development secret; a real property's secret is generated and kept out of code. */
export const DEMO_IDENTITY_SECRET = 'demo-identity-secret-not-for-production-0001';

const controller = { name: 'Demo Shop Ltd.', contact: 'privacy@demo-shop.example' };
const rights = {
  en: 'You can change or withdraw this choice at any time from "Privacy choices" or the privacy portal.',
  zh: '您可随时通过"隐私选择"或隐私门户更改或撤回此项同意。',
};

/** Demo property configuration; `origins` are the demo shop's URLs. */
export function demoPropertyConfig(origins: string[]): PropertyConfigInput {
  return {
    name: 'Demo Shop',
    publishableKey: DEMO_PUBLISHABLE_KEY,
    identitySecret: DEMO_IDENTITY_SECRET,
    allowedOrigins: origins,
    defaultLocale: 'en',
    locales: ['en', 'zh-CN'],
    jurisdiction: 'CN',
    controller,
    purposes: [
      {
        key: 'essential',
        legalBasis: 'contract',
        category: 'service',
        necessary: true,
        retentionDays: 30,
        dataCategories: [{ name: 'session', level: 'L2' }],
        notices: {
          en: {
            title: 'Essential',
            description: 'Keeps you signed in and your cart working. Always on.',
            methods: 'First-party cookies and server logs.',
            retention: 'Session data: 30 days.',
          },
          'zh-CN': {
            title: '必要功能',
            description: '保持登录状态和购物车正常工作,始终开启。',
            methods: '第一方 Cookie 与服务器日志。',
            retention: '会话数据:30 天。',
          },
        },
      },
      {
        key: 'analytics',
        legalBasis: 'consent',
        category: 'analytics',
        retentionDays: 395,
        dataCategories: [{ name: 'usage events', level: 'L3' }],
        notices: {
          en: {
            title: 'Analytics',
            description: `Counts visits and clicks so we can improve the shop. ${rights.en}`,
            methods: 'A first-party analytics script; aggregated reports.',
            retention: 'Usage events: 13 months.',
          },
          'zh-CN': {
            title: '统计分析',
            description: `统计访问与点击,用于改进商店。${rights.zh}`,
            methods: '第一方统计脚本,汇总报表。',
            retention: '使用事件:13 个月。',
          },
        },
      },
      {
        key: 'marketing_email',
        legalBasis: 'consent',
        category: 'marketing',
        retentionDays: 730,
        dataCategories: [{ name: 'email address', level: 'L2' }],
        notices: {
          en: {
            title: 'Marketing email',
            description: `Sends you offers by email. You can object at any time. ${rights.en}`,
            methods: 'Email newsletters sent by us.',
            retention: 'Email address: until you withdraw, at most 2 years after your last order.',
          },
          'zh-CN': {
            title: '营销邮件',
            description: `通过电子邮件向您发送优惠信息,您可随时拒绝。${rights.zh}`,
            methods: '由我们发送的电子邮件通讯。',
            retention: '邮箱地址:至您撤回为止,最长为最后一次下单后 2 年。',
          },
        },
      },
      {
        key: 'personalized_ads',
        legalBasis: 'consent',
        category: 'advertising',
        gpcOptOut: true,
        retentionDays: 365,
        dataCategories: [{ name: 'browsing profile', level: 'L2' }],
        recipients: [{ name: 'AdNetwork Inc.', country: 'US' }],
        notices: {
          en: {
            title: 'Personalised ads',
            description: `Shows ads based on what you browse (sharing for cross-context advertising). A non-personalised option is always available. ${rights.en}`,
            methods: 'An advertising tag that builds a browsing profile.',
            retention: 'Browsing profile: 12 months.',
          },
          'zh-CN': {
            title: '个性化广告',
            description: `根据您的浏览内容展示广告。您始终可以选择不接受个性化推荐。${rights.zh}`,
            methods: '建立浏览画像的广告标签。',
            retention: '浏览画像:12 个月。',
          },
        },
      },
      {
        key: 'face_login',
        legalBasis: 'consent',
        category: 'authentication',
        sensitive: true,
        separateConsent: 'sensitive',
        retentionDays: 180,
        dataCategories: [{ name: 'facial template (biometric)', level: 'L1' }],
        notices: {
          en: {
            title: 'Face sign-in',
            description: 'Sign in with your face instead of a password.',
            methods: 'A facial template computed on your device and stored encrypted.',
            retention: 'Facial template: until you withdraw, at most 180 days unused.',
            necessity: 'Needed only for face sign-in; password sign-in works without it.',
            impact:
              'Biometric data cannot be changed if leaked; refusing has no effect on any other feature.',
          },
          'zh-CN': {
            title: '刷脸登录',
            description: '使用人脸代替密码登录。',
            methods: '在您的设备上计算人脸特征并加密存储。',
            retention: '人脸特征:至您撤回为止,闲置最长 180 天。',
            necessity: '仅刷脸登录需要;不同意时仍可使用密码登录。',
            impact: '生物识别信息一旦泄露无法更改;拒绝不影响其他任何功能。',
          },
        },
      },
      {
        key: 'share_with_partners',
        legalBasis: 'consent',
        category: 'third_party',
        separateConsent: 'third_party',
        retentionDays: 365,
        dataCategories: [
          { name: 'name', level: 'L2' },
          { name: 'order history', level: 'L2' },
        ],
        recipients: [{ name: 'Partner Loyalty Co.', country: 'CN' }],
        notices: {
          en: {
            title: 'Share with partners',
            description:
              'Gives your name and order history to Partner Loyalty Co. so you earn their points.',
            methods: 'Daily transfer to the recipient over an encrypted channel.',
            retention: 'Kept by the recipient for 12 months.',
            necessity: 'Only needed to earn partner points.',
            impact: 'The recipient processes your data under its own privacy policy.',
          },
          'zh-CN': {
            title: '向合作方提供',
            description: '将您的姓名与订单记录提供给 Partner Loyalty Co.,以便您获得其积分。',
            methods: '每日通过加密通道传输给接收方。',
            retention: '接收方保存 12 个月。',
            necessity: '仅为获得合作方积分所必需。',
            impact: '接收方按其自身隐私政策处理您的信息。',
          },
        },
      },
    ],
  };
}
