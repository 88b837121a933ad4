// The receiver URL guard (SSRF): address classification, registration checks with an injected
// resolver, the real system resolver, and a connection refused at connect time.
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import {
  checkWebhookUrl,
  isPublicAddress,
  OutboundError,
  postToReceiver,
  publicOnlyLookup,
  type Resolver,
  resolvePublic,
} from './webhook-url.ts';
import { startReceiver } from './webhooks-test-kit.ts';

/** A resolver answering from a table, recording the names asked (no network). */
function fakeResolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve: Resolver = async (host) => {
    asked.push(host);
    const addresses = table[host];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

/** The error code a registration check fails with, or 'ok'. */
async function verdict(url: string, production: boolean, resolve?: Resolver): Promise<string> {
  try {
    await checkWebhookUrl(url, production, resolve);
    return 'ok';
  } catch (err) {
    return err instanceof ApiError ? err.code : `unexpected ${String(err)}`;
  }
}

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.0.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['100.127.255.255', false],
    ['0.0.0.0', false],
    ['0.1.2.3', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['192.0.2.1', false],
    ['198.51.100.7', false],
    ['203.0.113.9', false],
    ['198.18.0.1', false],
    ['::', false],
    ['::1', false],
    ['[::1]', false],
    ['fe80::1', false],
    ['fe80::1%eth0', false],
    ['febf::1', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['ff02::1', false],
    ['2001:db8::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:a9fe:a9fe', false],
    ['::ffff:10.0.0.1', false],
    ['0:0:0:0:0:ffff:c0a8:1', false],
    ['::127.0.0.1', false],
    ['::7f00:1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['64:ff9b::10.0.0.1', false],
    ['64:ff9b:1::1', false],
    ['2002:7f00:1::1', false],
    ['not an ip', false],
    ['8.8.8.8', true],
    ['93.184.215.14', true],
    ['100.63.255.255', true],
    ['100.128.0.1', true],
    ['172.32.0.1', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['::ffff:808:808', true],
    ['64:ff9b::808:808', true],
  ])('S4: %s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('checkWebhookUrl (registration)', () => {
  it('S4: production refuses the reported bypasses: IPv4-mapped IPv6 literals and a name resolving to 169.254.169.254', async () => {
    const { resolve } = fakeResolver({ '169.254.169.254.nip.io': ['169.254.169.254'] });
    for (const url of [
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://169.254.169.254.nip.io/',
      'https://[::ffff:7f00:1]/h',
      'https://[0:0:0:0:0:ffff:a9fe:a9fe]/h',
      'https://[::127.0.0.1]/h',
      'https://[64:ff9b::a9fe:a9fe]/h',
      'https://[fe80::1]/h',
      'https://[fc00::1]/h',
      'https://2130706433/h', // 127.0.0.1 in decimal
      'https://0x7f.1/h',
      'https://0.0.0.0/h',
      'https://100.64.0.1/h',
      'https://localhost./h',
      'https://metadata.internal/h',
    ])
      expect(await verdict(url, true, resolve), url).toBe('webhook_url_not_allowed');
  });

  it('S4: production resolves names and refuses when any address is not public', async () => {
    const { resolve, asked } = fakeResolver({
      'hooks.shop.example': ['93.184.215.14', '2606:4700::1111'],
      'mixed.shop.example': ['93.184.215.14', '10.0.0.5'],
      'v6.shop.example': ['2606:4700::1111', '::ffff:192.168.1.1'],
      'empty.shop.example': [],
    });
    expect(await verdict('https://hooks.shop.example/assent', true, resolve)).toBe('ok');
    expect(await verdict('https://HOOKS.shop.example./assent', true, resolve)).toBe('ok');
    expect(await verdict('https://mixed.shop.example/h', true, resolve)).toBe(
      'webhook_url_not_allowed',
    );
    expect(await verdict('https://v6.shop.example/h', true, resolve)).toBe(
      'webhook_url_not_allowed',
    );
    expect(await verdict('https://empty.shop.example/h', true, resolve)).toBe(
      'webhook_url_not_allowed',
    );
    expect(await verdict('https://nowhere.shop.example/h', true, resolve)).toBe(
      'webhook_url_not_allowed',
    );
    expect(asked).toContain('hooks.shop.example');
    // a public literal needs no resolver
    expect(await verdict('https://93.184.215.14/h', true, resolve)).toBe('ok');
    expect(await verdict('https://[2606:4700::1111]/h', true, resolve)).toBe('ok');
  });

  it('development keeps http and localhost and asks no resolver', async () => {
    const { resolve, asked } = fakeResolver({});
    for (const url of [
      'http://127.0.0.1:8080/h',
      'http://localhost:4001/provider',
      'https://[::ffff:127.0.0.1]/',
    ])
      expect(await verdict(url, false, resolve), url).toBe('ok');
    expect(asked).toEqual([]);
    expect(await verdict('ftp://files.example/x', false, resolve)).toBe('webhook_url_not_allowed');
  });

  it('S4: the real system resolver: localhost resolves to loopback, which is refused', async () => {
    await expect(resolvePublic('localhost')).rejects.toMatchObject({
      code: 'webhook_url_not_allowed',
    });
    const lookup = publicOnlyLookup();
    const err = await new Promise<Error | null>((resolve) =>
      lookup('localhost', { all: true }, (e) => resolve(e)),
    );
    expect(err).toBeInstanceOf(ApiError);
  });
});

describe('publicOnlyLookup and postToReceiver (each call)', () => {
  it('hands net.connect the checked addresses, in both callback forms', async () => {
    const { resolve } = fakeResolver({
      'hooks.shop.example': ['93.184.215.14', '2606:4700::1111'],
    });
    const lookup = publicOnlyLookup(resolve);
    const all = await new Promise<LookupAddress[] | string>((ok, fail) =>
      lookup('hooks.shop.example', { all: true }, (e, a) => (e ? fail(e) : ok(a))),
    );
    expect(all).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
    const one = await new Promise<[string | LookupAddress[], number | undefined]>((ok, fail) =>
      lookup('hooks.shop.example', {}, (e, a, f) => (e ? fail(e) : ok([a, f]))),
    );
    expect(one).toEqual(['93.184.215.14', 4]);
  });

  it('S4: production never connects to a name that resolves to a private address at call time (DNS rebinding)', async () => {
    const receiver = await startReceiver();
    try {
      const port = new URL(receiver.url('/')).port;
      // registration saw a public address; the name now points at the receiver on loopback
      const table: Record<string, string[]> = { 'hooks.shop.example': ['93.184.215.14'] };
      const { resolve, asked } = fakeResolver(table);
      await checkWebhookUrl(`https://hooks.shop.example:${port}/rebind`, true, resolve);
      table['hooks.shop.example'] = ['127.0.0.1'];
      const call = postToReceiver(`https://hooks.shop.example:${port}/rebind`, {
        headers: { 'content-type': 'application/json' },
        body: '{}',
        timeoutMs: 2_000,
        production: true,
        resolve,
      });
      await expect(call).rejects.toEqual(new OutboundError('address_not_allowed'));
      expect(asked).toEqual(['hooks.shop.example', 'hooks.shop.example']);
      expect(receiver.received).toHaveLength(0);
      // and a literal or http URL stored before production is refused before any connection
      for (const url of [receiver.url('/plain'), `https://[::ffff:127.0.0.1]:${port}/mapped`])
        await expect(
          postToReceiver(url, { headers: {}, body: '', timeoutMs: 2_000, production: true }),
        ).rejects.toEqual(new OutboundError('address_not_allowed'));
      expect(receiver.received).toHaveLength(0);
      // development reaches the local receiver as before
      const dev = await postToReceiver(receiver.url('/dev'), {
        headers: {},
        body: 'x',
        timeoutMs: 2_000,
        production: false,
      });
      expect(dev).toEqual({ status: 200, text: 'ok' });
      expect(receiver.at('/dev')).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('a receiver that does not answer in time is a timeout, a refused connection is network', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/half') res.writeHead(200).write('{"partial":');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const send = (url: string) =>
      postToReceiver(url, { headers: {}, body: '{}', timeoutMs: 300, production: false });
    try {
      await expect(send(`http://127.0.0.1:${port}/silent`)).rejects.toEqual(
        new OutboundError('timeout'),
      );
      await expect(send(`http://127.0.0.1:${port}/half`)).rejects.toEqual(
        new OutboundError('timeout'),
      );
      await expect(send('http://127.0.0.1:1/closed')).rejects.toEqual(new OutboundError('network'));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
