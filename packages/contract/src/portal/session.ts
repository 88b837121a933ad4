// Portal sign-in: email one-time code, then a session cookie.
import { z } from '@hono/zod-openapi';
import { Locale } from '../common.ts';

/**
 * Ask for a sign-in code. `locale` is the portal's UI locale (BCP 47): the code email is
 * written in Simplified Chinese for any `zh` tag and in English otherwise or when absent.
 */
export const SignInStartInput = z
  .object({
    email: z.string().email().max(254),
    locale: Locale.optional().describe(
      'The portal UI locale; any `zh` tag → the email in zh-CN, anything else or absent → en.',
    ),
  })
  .openapi('SignInStart');
export const SignInVerifyInput = z
  .object({ email: z.string().email().max(254), code: z.string().regex(/^\d{6}$/) })
  .openapi('SignInVerify');
export const SignedIn = z.object({ email: z.string() }).openapi('SignedIn');

export type SignInStartBody = z.infer<typeof SignInStartInput>;
export type SignInVerifyBody = z.infer<typeof SignInVerifyInput>;

/** Sign-in link: the product's publishable key and an identity token signed by its backend. */
export const SignInLinkInput = z
  .object({ publishableKey: z.string().min(1).max(200), token: z.string().min(1).max(4096) })
  .openapi('SignInLink');
