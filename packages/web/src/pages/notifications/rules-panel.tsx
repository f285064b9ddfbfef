/**
 * @module Rules: one row per kind, one checkbox per channel, saved as soon as it changes. "Urgent"
 * lets the kind use SMS (which costs money); "Default" goes back to the tier's channels.
 */
import type { NotificationChannelName, NotificationRule, NotificationRules } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';
import { channelLabel, kindLabel } from './notification-kinds.ts';

export function RulesPanel({
  rules,
  onChange,
}: {
  rules: NotificationRules;
  onChange: (rules: NotificationRules) => void;
}): ReactNode {
  const { client } = useSession();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState<string>();

  const replace = (rule: NotificationRule) =>
    onChange({ ...rules, rules: rules.rules.map((r) => (r.kind === rule.kind ? rule : r)) });

  async function save(kind: string, change: () => Promise<NotificationRule | undefined>) {
    setSaving(kind);
    setError(undefined);
    try {
      const rule = await change();
      if (rule) replace(rule);
      else onChange(await client.notifications.rules());
    } catch (caught) {
      setError(errorMessage(caught));
      onChange(await client.notifications.rules().catch(() => rules));
    } finally {
      setSaving(undefined);
    }
  }

  /** Shows the change at once (a checkbox that lags the click reads as broken), then saves it. */
  function change(rule: NotificationRule, next: { channels: NotificationChannelName[]; urgent: boolean }) {
    replace({ ...rule, ...next, isDefault: false });
    void save(rule.kind, () => client.notifications.putRule(rule.kind, next));
  }

  function toggle(rule: NotificationRule, channel: string, on: boolean) {
    const channels = (
      on ? [...rule.channels, channel] : rule.channels.filter((c) => c !== channel)
    ) as NotificationChannelName[];
    change(rule, { channels, urgent: rule.urgent });
  }

  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 id="rules-title">Where notifications go</h2>
      <FormError message={error} />
      <div className="table-scroll">
        <table className="table rules-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              {rules.channels.map((channel) => (
                <th key={channel} scope="col">
                  {channelLabel(channel)}
                </th>
              ))}
              <th scope="col">Urgent (SMS)</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rules.rules.map((rule) => (
              <tr key={rule.kind} data-kind={rule.kind} aria-busy={saving === rule.kind || undefined}>
                <th scope="row">{kindLabel(rule.kind)}</th>
                {rules.channels.map((channel) => (
                  <td key={channel}>
                    <input
                      type="checkbox"
                      aria-label={`${kindLabel(rule.kind)} by ${channelLabel(channel)}`}
                      checked={rule.channels.includes(channel)}
                      disabled={saving === rule.kind}
                      onChange={(e) => toggle(rule, channel, e.target.checked)}
                    />
                  </td>
                ))}
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${kindLabel(rule.kind)} is urgent`}
                    checked={rule.urgent}
                    disabled={saving === rule.kind}
                    onChange={(e) =>
                      change(rule, {
                        channels: rule.channels as NotificationChannelName[],
                        urgent: e.target.checked,
                      })
                    }
                  />
                </td>
                <td>
                  {rule.isDefault ? (
                    <span className="muted small">default</span>
                  ) : (
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      onClick={() =>
                        void save(rule.kind, async () => {
                          await client.notifications.resetRule(rule.kind);
                          return undefined;
                        })
                      }
                    >
                      Default
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
