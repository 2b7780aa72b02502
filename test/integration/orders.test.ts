import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';

describe('orders on the running reference server', () => {
  let running: RunningServer;
  let tmp: string;
  let base: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-orders-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: path.join(tmp, 'crm.sqlite') }, secret: SECRET, projectRoot: tmp });
    base = serverUrl(running.server);
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const trackLinks = async (number: string) => {
    const res = await fetch(`${base}/track?number=${encodeURIComponent(number)}`);
    expect(res.status).toBe(200);
    const $ = load(await res.text());
    return { $, links: $('#track-result ~ ul a, section[aria-labelledby="track-result"] a').map((_, a) => $(a).attr('href')).get() };
  };

  it('/track sends a UPS number, typed loosely, to UPS with the number cleaned up', async () => {
    const { links } = await trackLinks(' 1z 999 aa1 0123456784 ');
    expect(links).toHaveLength(1);
    expect(links[0]).toContain('ups.com');
    expect(links[0]).toContain('1Z999AA10123456784');
  });

  it('/track tells the visitor when a number matches no carrier, and offers a way to ask', async () => {
    const { $, links } = await trackLinks('hello world');
    expect(links).toEqual([]);
    expect($('[role="status"]').text()).toContain('does not look like a tracking number');
    expect($('[role="status"] a').attr('href')).toBe('/contact/message');
  });

  it('/track is linked from every page footer', async () => {
    const $ = load(await (await fetch(`${base}/`)).text());
    expect($('footer a[href="/track"]').text()).toBe('Track a delivery');
  });
});
