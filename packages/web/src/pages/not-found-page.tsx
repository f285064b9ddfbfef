/** @module The page for a path no route matches. */
import type { ReactNode } from 'react';
import { Link } from '../app/router.tsx';

export function NotFoundPage(): ReactNode {
  return (
    <main id="main" className="page">
      <div className="card narrow">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at {window.location.pathname}.</p>
        <Link to="/">Back to the overview</Link>
      </div>
    </main>
  );
}
