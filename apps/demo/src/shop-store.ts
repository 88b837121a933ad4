// What the demo shop itself holds about its customers (its own product data, not Assent's):
// an account per signed-in email and a cart. In memory: a demo restarts empty. The shop's data
// provider answers privacy requests from here (data-provider.ts).
import { demoUserId } from './identity-token.ts';

export interface ShopAccount {
  userId: string;
  email: string;
  /** ISO 8601 time of the first sign-in. */
  since: string;
}

export interface ShopData {
  account: ShopAccount | null;
  cart: { item: string; addedAt: string }[];
}

/** The shop's customer records, keyed by the shop's own user id. */
export class ShopStore {
  readonly #accounts = new Map<string, ShopAccount>();
  readonly #carts = new Map<string, { item: string; addedAt: string }[]>();

  /** Records a sign-in; @returns the account (created on first sign-in). */
  signIn(email: string, now = new Date()): ShopAccount {
    const userId = demoUserId(email);
    const known = this.#accounts.get(userId);
    if (known) return known;
    const account = { userId, email, since: now.toISOString() };
    this.#accounts.set(userId, account);
    return account;
  }

  /** Adds one item to a signed-in customer's cart. */
  addToCart(userId: string, item: string, now = new Date()): void {
    const cart = this.#carts.get(userId) ?? [];
    cart.push({ item, addedAt: now.toISOString() });
    this.#carts.set(userId, cart);
  }

  /** Everything the shop holds for a user id (access request). */
  dataOf(userId: string): ShopData {
    return {
      account: this.#accounts.get(userId) ?? null,
      cart: [...(this.#carts.get(userId) ?? [])],
    };
  }

  /** Deletes everything the shop holds for a user id (erasure); @returns what was removed. */
  erase(userId: string): { account: boolean; cartItems: number } {
    const removed = {
      account: this.#accounts.delete(userId),
      cartItems: this.#carts.get(userId)?.length ?? 0,
    };
    this.#carts.delete(userId);
    return removed;
  }
}
