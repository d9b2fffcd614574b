import { privateHostReason } from './private-hosts';
import { TokenBuckets } from './rate-limit.guard';

describe('privateHostReason', () => {
  it.each([
    'http://localhost/a',
    'http://app.localhost/',
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.1:8080/x',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://printer.local/',
  ])('refuses %s', (url) => {
    expect(privateHostReason(url)).not.toBeNull();
  });

  it.each([
    'https://example.com/news/1',
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://[2001:db8::1]/',
    'https://localhost.example.com/',
  ])('accepts %s', (url) => {
    expect(privateHostReason(url)).toBeNull();
  });
});

describe('TokenBuckets', () => {
  it('grants the burst, then refills at the rate and says when to retry', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([1, 2, 3].map(() => buckets.take('a'))).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1);
    expect(buckets.take('b')).toBe(0); // other clients have their own bucket
    now += 500; // one token back
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1);
  });

  it('is off at rate 0', () => {
    expect(new TokenBuckets(0, 0).enabled).toBe(false);
  });

  it('answers a Retry-After of whole seconds for slow rates', () => {
    let now = 0;
    const buckets = new TokenBuckets(0.1, 1, () => now);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
    now += 10_000;
    expect(buckets.take('a')).toBe(0);
  });
});
