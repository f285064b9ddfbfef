import { describe, expect, it } from 'vitest';
import { NotificationKind, Severity } from '../../kinds.ts';
import type { OutgoingNotification } from '../channel.ts';
import { createEmailTemplates } from './templates.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const n = (over: Partial<OutgoingNotification> = {}): OutgoingNotification => ({
  id: '019a0000-0000-7000-8000-000000000001',
  userId: '019a0000-0000-7000-8000-0000000000aa',
  kind: NotificationKind.BacktestCompleted,
  severity: Severity.Info,
  title: 'Backtest <b>done</b>',
  body: 'line one\nline two',
  data: { url: '/backtests/b1' },
  createdAt: '2026-01-01T00:00:00.000Z',
  locale: 'en',
  ...over,
});

describe('email templates', () => {
  it('templates - HTML escapes every value, text does not; links use the public base URL', async () => {
    const mail = await createEmailTemplates().render(n(), { baseUrl: 'https://tickline.example' });
    expect(mail.subject).toBe('[Tickline] Backtest <b>done</b>');
    expect(mail.html).toContain('Backtest &lt;b&gt;done&lt;/b&gt;');
    expect(mail.html).toContain('line one<br />');
    expect(mail.html).toContain('href="https://tickline.example/backtests/b1"');
    expect(mail.text).toContain('Backtest <b>done</b>');
    expect(mail.text).toContain('Open in Tickline: https://tickline.example/backtests/b1');
  });

  it('templates - per locale with fallback (ko-KR → ko, fr → en) and digests list their items', async () => {
    const templates = createEmailTemplates();
    expect((await templates.render(n({ locale: 'ko-KR' }))).text).toContain('Tickline 알림 설정');
    expect((await templates.render(n({ locale: 'fr' }))).text).toContain('notification settings');
    const digest = await templates.render(
      n({
        kind: NotificationKind.Digest,
        items: [{ id: 'a', kind: 'x', title: 'First', body: 'b1', createdAt: '' }],
      }),
    );
    expect(digest.html).toContain('<strong>First</strong>');
  });

  it('templates - an operator file overrides one kind and locale; templates cannot reach the process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-templates-'));
    await writeFile(join(dir, 'backtest.completed.en.subject.liquid'), 'Done: {{ title | upcase }}');
    expect((await createEmailTemplates(dir).render(n({ title: 'bt' }))).subject).toBe('Done: BT');
    const evil = await mkdtemp(join(tmpdir(), 'notify-templates-'));
    await writeFile(
      join(evil, 'backtest.completed.en.subject.liquid'),
      '[{{ process.env.HOME }}{{ constructor }}]',
    );
    expect((await createEmailTemplates(evil).render(n())).subject).toBe('[]');
    await writeFile(join(evil, 'backtest.completed.en.text.liquid'), '{% render "package.json" %}');
    await expect(createEmailTemplates(evil).render(n())).rejects.toThrow(
      /cannot read files|Failed to lookup/,
    );
  });
});
