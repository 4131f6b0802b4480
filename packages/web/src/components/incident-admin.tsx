/** Shared by the admin pages: the notice for non-admins. */
import { useAuth } from '../auth';
import { PageHeader } from './ui';

export function AdminOnly({ title, children }: { title: string; children: React.ReactNode }) {
  const { me } = useAuth();
  if (me?.role === 'admin') return <>{children}</>;
  return (
    <>
      <PageHeader title={title} />
      <p className="problem" role="alert">
        Only admins manage {title.toLowerCase()}; you are signed in as {me?.user} ({me?.role}).
      </p>
    </>
  );
}
