import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { formatDateTime, formatRelative, type Instant } from '../format';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

/** A coloured label; the text carries the meaning, the colour only helps. */
export function Badge({
  tone = 'muted',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Budget state → tone, shared by the overview, service and SLO pages. */
export function budgetTone(state: string | null | undefined): Tone {
  switch (state) {
    case 'healthy':
    case 'ok':
      return 'ok';
    case 'burning':
    case 'warning':
      return 'warn';
    case 'exhausted':
    case 'breached':
      return 'bad';
    default:
      return 'muted';
  }
}

/** A time shown relative ("3m ago") with the exact time on hover. */
export function Time({ at, absolute }: { at: Instant | null | undefined; absolute?: boolean }) {
  if (at === null || at === undefined) return <span className="muted">—</span>;
  const iso = new Date(typeof at === 'string' ? Date.parse(at) : at).toISOString();
  return (
    <time dateTime={iso} title={formatDateTime(at)}>
      {absolute ? formatDateTime(at) : formatRelative(at)}
    </time>
  );
}

/** An API problem as the user should see it: title, detail and the fields at fault. */
export function ProblemBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  return (
    <div className="problem" role="alert">
      <strong>{problem?.title ?? 'Something went wrong'}</strong>
      {problem?.code && <span className="muted"> ({problem.code})</span>}
      <div>{problem?.detail ?? error.message}</div>
      {problem?.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path && <code>{e.path}</code>} {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="loading" aria-busy="true">
      {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Card({
  title,
  actions,
  children,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <header className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

/** Page title with optional breadcrumbs and actions on the right. */
export function PageHeader({
  title,
  crumbs,
  actions,
  children,
}: {
  title: ReactNode;
  crumbs?: { to: string; label: string }[];
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="page-head">
      {crumbs && crumbs.length > 0 && (
        <nav className="crumbs" aria-label="Breadcrumbs">
          {crumbs.map((c) => (
            <span key={c.to}>
              <Link to={c.to}>{c.label}</Link> /{' '}
            </span>
          ))}
        </nav>
      )}
      <div className="page-title">
        <h1>{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </header>
  );
}

/** Label/value pairs in two columns. */
export function Facts({ items }: { items: [ReactNode, ReactNode][] }) {
  return (
    <dl className="facts">
      {items.map(([k, v], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed order list
        <div key={i}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Shows loading, the problem, or the content once data arrived. */
export function Async<T>({
  state,
  children,
}: {
  state: { data: T | undefined; error: Error | undefined; loading: boolean };
  children: (data: T) => ReactNode;
}) {
  if (state.data !== undefined)
    return (
      <>
        {state.error && <ProblemBox error={state.error} />}
        {children(state.data)}
      </>
    );
  if (state.error) return <ProblemBox error={state.error} />;
  return <Loading />;
}
