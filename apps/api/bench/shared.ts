// Constants and small helpers shared by the bench's runner and its server process.

/** Origin the bench's widget requests send (the demo property allows it in the bench). */
export const BENCH_ORIGIN = 'http://bench.localhost';

/** Purposes of the demo property a banner batch decides (none needs separate consent). */
export const BANNER_PURPOSES = ['analytics', 'marketing_email', 'personalized_ads'];

/** A device id of the widget's shape (22–128 url-safe characters). */
export function benchDevice(i: number): string {
  return `bench_device_${i.toString().padStart(12, '0')}`;
}

/** Only loopback targets: the bench never sends traffic anywhere else. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`the bench only targets 127.0.0.1 (got ${host})`);
  }
}

/** Percentile (0–100) of a sorted list of numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

/** The experience's purposes as the bench reads them. */
export interface BenchExperience {
  purposes: { key: string; notice: { id: string; hash: string } }[];
}

/** The JSON body of an "Accept all" banner batch over BANNER_PURPOSES, from an experience. */
export function acceptAllBody(exp: BenchExperience): string {
  const decisions = exp.purposes
    .filter((p) => BANNER_PURPOSES.includes(p.key))
    .map((p) => ({
      purpose: p.key,
      decision: 'granted',
      noticeId: p.notice.id,
      noticeHash: p.notice.hash,
    }));
  return JSON.stringify({
    decisions,
    source: 'banner',
    surface: 'banner_accept_all',
    locale: 'en',
  });
}
