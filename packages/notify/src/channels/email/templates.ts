/**
 * @module Email templates in LiquidJS, a sandboxed template language: a template can read the
 * notification and call filters, but cannot reach the process (no code, no file access beyond the
 * templates folder). Per locale and kind, with fallbacks `kind.locale` → `default.locale` →
 * `kind.en` → `default.en`. Operators override any of them with files named
 * `<kind|default>.<locale>.<subject|html|text>.liquid` in `notify.email.templatesDir`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, type Template } from 'liquidjs';
import { receiverFields, type OutgoingNotification } from '../channel.ts';

type Part = 'subject' | 'html' | 'text';

/** Built-in templates: `default` per locale. */
const BUILT_IN: Record<string, Record<Part, string>> = {
  'default.en': {
    subject: '[Tickline] {{ title }}',
    html: `<!doctype html><html lang="en"><body style="font-family:sans-serif">
<h2>{{ title }}</h2>
<p>{{ body | escape | newline_to_br | raw }}</p>
{% if items %}<ul>{% for item in items %}<li><strong>{{ item.title }}</strong> — {{ item.body }}</li>{% endfor %}</ul>{% endif %}
{% if link %}<p><a href="{{ link }}">Open in Tickline</a></p>{% endif %}
<p style="color:#888;font-size:12px">You receive this because of your notification settings in Tickline.</p>
</body></html>`,
    text: `{{ title }}

{{ body }}
{% for item in items %}- {{ item.title }}: {{ item.body }}
{% endfor %}{% if link %}
Open in Tickline: {{ link }}{% endif %}

You receive this because of your notification settings in Tickline.`,
  },
  'default.ko': {
    subject: '[Tickline] {{ title }}',
    html: `<!doctype html><html lang="ko"><body style="font-family:sans-serif">
<h2>{{ title }}</h2>
<p>{{ body | escape | newline_to_br | raw }}</p>
{% if items %}<ul>{% for item in items %}<li><strong>{{ item.title }}</strong> — {{ item.body }}</li>{% endfor %}</ul>{% endif %}
{% if link %}<p><a href="{{ link }}">Tickline에서 열기</a></p>{% endif %}
<p style="color:#888;font-size:12px">Tickline 알림 설정에 따라 발송된 메일입니다.</p>
</body></html>`,
    text: `{{ title }}

{{ body }}
{% for item in items %}- {{ item.title }}: {{ item.body }}
{% endfor %}{% if link %}
Tickline에서 열기: {{ link }}{% endif %}

Tickline 알림 설정에 따라 발송된 메일입니다.`,
  },
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface EmailTemplates {
  render(n: OutgoingNotification, options?: { baseUrl?: string }): Promise<RenderedEmail>;
}

/** Creates the renderer; `dir` holds operator overrides. */
export function createEmailTemplates(dir?: string): EmailTemplates {
  // HTML output escapes every {{ }} by default; text output does not (it is not HTML).
  // No file system for templates: `{% render %}` / `{% include %}` cannot read files, so an edited
  // template cannot pull in anything from the server's disk.
  const noFiles = {
    exists: async () => false,
    existsSync: () => false,
    readFile: async (file: string) => Promise.reject(new Error(`templates cannot read files (${file})`)),
    readFileSync: (file: string) => {
      throw new Error(`templates cannot read files (${file})`);
    },
    resolve: (_root: string, file: string) => file,
  };
  const base = { ownPropertyOnly: true, strictFilters: true, fs: noFiles, root: [] as string[] };
  const html = new Liquid({ ...base, outputEscape: 'escape' });
  const text = new Liquid(base);
  const compiled = new Map<string, Template[] | undefined>();

  function source(name: string, part: Part): string | undefined {
    if (dir) {
      const file = join(dir, `${name}.${part}.liquid`);
      if (existsSync(file)) return readFileSync(file, 'utf8');
    }
    return BUILT_IN[name]?.[part];
  }

  function template(kind: string, locale: string, part: Part): Template[] {
    const lang = locale.split(/[-_]/)[0]!.toLowerCase();
    for (const name of [
      `${kind}.${locale}`,
      `${kind}.${lang}`,
      `default.${locale}`,
      `default.${lang}`,
      `${kind}.en`,
      'default.en',
    ]) {
      const key = `${name}|${part}`;
      if (!compiled.has(key)) {
        const src = source(name, part);
        compiled.set(key, src === undefined ? undefined : (part === 'html' ? html : text).parse(src));
      }
      const found = compiled.get(key);
      if (found) return found;
    }
    throw new Error(`no ${part} email template`); // unreachable: default.en is built in
  }

  return {
    async render(n, options = {}) {
      const url = typeof n.data.url === 'string' ? n.data.url : undefined;
      const context = {
        ...receiverFields(n),
        items: n.items ?? [],
        createdAt: n.createdAt,
        link: url && options.baseUrl ? new URL(url, options.baseUrl).toString() : undefined,
      };
      const [subject, htmlBody, textBody] = await Promise.all([
        text.render(template(n.kind, n.locale, 'subject'), context),
        html.render(template(n.kind, n.locale, 'html'), context),
        text.render(template(n.kind, n.locale, 'text'), context),
      ]);
      return {
        subject: String(subject).trim().replace(/\s+/g, ' '),
        html: String(htmlBody),
        text: String(textBody),
      };
    },
  };
}
