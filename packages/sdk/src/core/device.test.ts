import { describe, expect, it } from 'vitest';
import { type CookieJar, DEVICE_KEY, deviceId } from './device.ts';
import { memoryStorage } from './storage.ts';

function jar(initial = ''): CookieJar & { written: string[] } {
  const written: string[] = [];
  return { written, get: () => initial, set: (c) => void written.push(c) };
}

describe('deviceId', () => {
  it('makes a 128-bit base64url id once and keeps it in storage and a 400-day Lax cookie', () => {
    const storage = memoryStorage();
    const cookies = jar();
    const id = deviceId(storage, cookies);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(storage.get(DEVICE_KEY)).toBe(id);
    expect(cookies.written[0]).toBe(`assent_device=${id}; Max-Age=34560000; Path=/; SameSite=Lax`);
    expect(deviceId(storage, jar())).toBe(id);
  });

  it('restores the id from the cookie when storage was cleared', () => {
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    const storage = memoryStorage();
    expect(deviceId(storage, jar(`other=1; assent_device=${id}`))).toBe(id);
    expect(storage.get(DEVICE_KEY)).toBe(id);
  });

  it('ignores a malformed stored id', () => {
    const storage = memoryStorage();
    storage.set(DEVICE_KEY, 'short');
    expect(deviceId(storage, undefined)).not.toBe('short');
  });

  it('gives different devices different ids', () => {
    const ids = new Set(Array.from({ length: 50 }, () => deviceId(memoryStorage(), undefined)));
    expect(ids.size).toBe(50);
  });
});
