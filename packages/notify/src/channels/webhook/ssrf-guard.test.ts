import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateAddress, parseWebhookUrl } from './ssrf-guard.ts';

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; details?: { reason?: string } }) => `${e.code}:${e.details?.reason}`,
  );

describe('ssrf guard', () => {
  it('ssrf - private, loopback, link-local, CGNAT and mapped addresses are private', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '224.0.0.1',
      // IPv6 translation and tunnelling prefixes, which can carry an IPv4 loopback or private address
      '::7f00:1',
      '::ffff:7f00:1',
      '::ffff:8.8.8.8',
      '64:ff9b::a00:1',
      '64:ff9b:1::a00:1',
      '2002:7f00:1::1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      // SIIT's IPv4-translated form (`::ffff:0:0:0/96`): loopback, cloud metadata, RFC 1918, public
      '::ffff:0:7f00:1',
      '::ffff:0:a9fe:a9fe',
      '::ffff:0:a00:5',
      '::ffff:0:808:808',
      // Reserved, not globally reachable: benchmarking, ORCHID, documentation, SRv6, outside 2000::/3
      '2001:2::1',
      '2001:10::1',
      '2001:20::1',
      '3fff::1',
      '5f00::1',
      '4000::1',
      '1234::1',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('ssrf - the form: http(s) only, no credentials, bounded length', async () => {
    expect(await codeOf(Promise.resolve().then(() => parseWebhookUrl('ftp://example.com/x')))).toBe(
      'NOTIFY_URL_REJECTED:scheme',
    );
    expect(await codeOf(Promise.resolve().then(() => parseWebhookUrl('javascript:alert(1)')))).toBe(
      'NOTIFY_URL_REJECTED:scheme',
    );
    expect(await codeOf(Promise.resolve().then(() => parseWebhookUrl('https://u:p@example.com/')))).toBe(
      'NOTIFY_URL_REJECTED:credentials',
    );
    expect(
      await codeOf(Promise.resolve().then(() => parseWebhookUrl(`https://example.com/${'a'.repeat(3000)}`))),
    ).toBe('NOTIFY_URL_REJECTED:too_long');
  });

  it('ssrf - every resolved address is checked (a name that resolves to loopback is refused)', async () => {
    const resolve = async (host: string) =>
      host === 'rebind.example' ? ['93.184.216.34', '127.0.0.1'] : ['93.184.216.34'];
    expect(await codeOf(checkWebhookUrl('https://rebind.example/hook', false, resolve))).toBe(
      'NOTIFY_URL_REJECTED:private_address',
    );
    expect(await codeOf(checkWebhookUrl('https://ok.example/hook', false, resolve))).toBe('ok');
    expect(await codeOf(checkWebhookUrl('http://[::1]:8080/hook', false, resolve))).toBe(
      'NOTIFY_URL_REJECTED:private_address',
    );
    expect(await codeOf(checkWebhookUrl('http://127.0.0.1:8080/hook', true, resolve))).toBe('ok');
    // The refusal names the address and the setting that allows it.
    await expect(checkWebhookUrl('https://rebind.example/hook', false, resolve)).rejects.toThrow(
      'webhook URL rejected: rebind.example (127.0.0.1) is a private, loopback or link-local address, refused by default; an operator can allow such targets with notify.webhooks.allowPrivateTargets (TICKLINE_NOTIFY_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true)',
    );
  });

  it('ssrf - literal IPv6 URLs in translation prefixes are refused as written', async () => {
    for (const url of [
      'http://[::127.0.0.1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:7f00:1]/hook',
      'http://[64:ff9b::127.0.0.1]/hook',
      'http://[64:ff9b:1::a00:1]/hook',
      'http://[2002:7f00:1::]/hook',
      'http://[::]/hook',
      'http://[::ffff:0:7f00:1]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[::ffff:0:a00:5]/',
    ])
      expect(await codeOf(checkWebhookUrl(url, false)), url).toBe('NOTIFY_URL_REJECTED:private_address');
  });
});
