import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth';
import { applyTheme, initialTheme, type Theme } from '../theme';
import { FeedbackButton } from './feedback-dialog';

const NAV: { to: string; label: string; end?: boolean }[] = [
  { to: '/', label: 'Overview', end: true },
  { to: '/services', label: 'Services' },
  { to: '/slos', label: 'SLOs' },
  { to: '/alerts', label: 'Alerts' },
  { to: '/oncall', label: 'On-call' },
  { to: '/incidents', label: 'Incidents' },
  { to: '/action-items', label: 'Action items' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/dora', label: 'DORA' },
  { to: '/capacity', label: 'Capacity' },
  { to: '/discovery', label: 'Discovery' },
  { to: '/feedback', label: 'Feedback' },
  { to: '/platform', label: 'Platform' },
  { to: '/notifications', label: 'Notifications' },
];

const ADMIN_NAV = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/teams', label: 'Teams' },
];

export function Layout() {
  const { me, logout } = useAuth();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const location = useLocation();

  useEffect(() => applyTheme(theme, false), [theme]);
  // Move focus to the page's heading after navigation, so keyboard and screen-reader users land on it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation on purpose
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [location.pathname]);

  const toggle = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">Headroom</div>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end}>
              {n.label}
            </NavLink>
          ))}
          <div className="nav-section">You</div>
          <NavLink to="/settings/tokens">API tokens</NavLink>
          {me?.role === 'admin' && (
            <>
              <div className="nav-section">Admin</div>
              {ADMIN_NAV.map((n) => (
                <NavLink key={n.to} to={n.to}>
                  {n.label}
                </NavLink>
              ))}
            </>
          )}
        </nav>
        <div className="sidebar-foot">
          <FeedbackButton />
          <div className="who" title={`Signed in as ${me?.user} (${me?.role})`}>
            {me?.displayName ?? me?.user} <span className="muted">· {me?.role}</span>
          </div>
          <div className="row">
            <button
              type="button"
              className="ghost"
              onClick={toggle}
              aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            >
              {theme === 'dark' ? '☀ Light' : '☾ Dark'}
            </button>
            <button type="button" className="ghost" onClick={() => void logout()}>
              Log out
            </button>
          </div>
        </div>
      </aside>
      <main id="main">
        <Outlet />
      </main>
    </div>
  );
}
