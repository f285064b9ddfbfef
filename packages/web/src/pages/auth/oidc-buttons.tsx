/**
 * @module "Sign in with Google/GitHub/…": one button per provider the server has configured (none
 * when it has none). A button is a plain link: the server sets the state cookie and redirects.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';

export function OidcButtons(): ReactNode {
  const { client } = useSession();
  const [providers, setProviders] = useState<Array<{ id: string; name: string }>>([]);
  useEffect(() => {
    let cancelled = false;
    client.auth
      .oidcProviders()
      .then((list) => !cancelled && setProviders(list))
      .catch(() => {
        // No providers to offer; the password form stays.
      });
    return () => {
      cancelled = true;
    };
  }, [client]);
  if (providers.length === 0) return null;
  return (
    <div className="oidc-buttons">
      {providers.map((p) => (
        <a
          key={p.id}
          className="button button-ghost"
          href={`/api/v1/auth/oidc/${encodeURIComponent(p.id)}/start?returnTo=%2F`}
        >
          Sign in with {p.name}
        </a>
      ))}
    </div>
  );
}
