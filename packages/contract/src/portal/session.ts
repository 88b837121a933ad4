// Portal sign-in: email one-time code, then a session cookie.
import { z } from '@hono/zod-openapi';

export const SignInStartInput = z
  .object({ email: z.string().email().max(254) })
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
