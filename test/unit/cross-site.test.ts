import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite, requestProbe } from '../../integrations/rapport/core/security/cross-site.ts';

const site = { siteOrigin: 'https://shop.example', exempt: ['/unsubscribe'] };
const post = (path: string, headers: Record<string, string>) => requestProbe(new Request(`http://127.0.0.1:4321${path}`, { method: 'POST', headers }));

describe('cross-site form posts', () => {
  it('lets reads through from anywhere', () => {
    expect(isCrossSiteWrite(requestProbe(new Request('http://127.0.0.1/x', { headers: { 'sec-fetch-site': 'cross-site' } })), site)).toBe(false);
  });

  it('trusts Sec-Fetch-Site first', () => {
    expect(isCrossSiteWrite(post('/subscribe', { 'sec-fetch-site': 'same-origin' }), site)).toBe(false);
    expect(isCrossSiteWrite(post('/subscribe', { 'sec-fetch-site': 'cross-site', origin: 'https://shop.example' }), site)).toBe(true);
    expect(isCrossSiteWrite(post('/subscribe', { 'sec-fetch-site': 'same-site' }), site)).toBe(true);
  });

  it('falls back to Origin, accepting the site and the server it reached', () => {
    expect(isCrossSiteWrite(post('/subscribe', { origin: 'https://shop.example' }), site)).toBe(false);
    expect(isCrossSiteWrite(post('/subscribe', { origin: 'http://127.0.0.1:4321' }), site)).toBe(false);
    expect(isCrossSiteWrite(post('/subscribe', { origin: 'https://evil.example' }), site)).toBe(true);
    expect(isCrossSiteWrite(post('/subscribe', { origin: 'null' }), site)).toBe(true);
  });

  it('refuses a post that says nothing about where it comes from, except on token-checked routes', () => {
    expect(isCrossSiteWrite(post('/subscribe', {}), site)).toBe(true);
    expect(isCrossSiteWrite(post('/unsubscribe', {}), site)).toBe(false);
  });

  it('never treats OPTIONS as a write, so OPTIONS must never reach a form handler (the pipeline answers it)', () => {
    expect(isCrossSiteWrite({ method: 'OPTIONS', path: '/subscribe', origin: 'https://evil.example', fetchSite: 'cross-site', reached: undefined }, site)).toBe(
      false,
    );
  });
});
