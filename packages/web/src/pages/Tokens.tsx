import type { Token, TokenCreate, TokenCreated } from '@headroom/core/api/auth';
import { type FormEvent, useState } from 'react';
import { del, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useAuth } from '../auth';
import { Async, Badge, Card, Empty, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/incident.css';

function tokenState(t: Token) {
  if (t.revokedAt) return <Badge>revoked</Badge>;
  if (t.expiresAt && Date.parse(t.expiresAt) < Date.now()) return <Badge tone="warn">expired</Badge>;
  return <Badge tone="ok">active</Badge>;
}

function NewSecret({ created, onDone }: { created: TokenCreated; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="inc-secret" role="status">
      <strong>Token "{created.info.name}" created.</strong> Copy it now: it is shown only once.
      <div className="row">
        <input
          className="mono"
          readOnly
          value={created.token}
          aria-label="The new token"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === 'yes' && <span className="hint">Copied to the clipboard.</span>}
      {copied === 'failed' && <span className="hint">The browser refused; select the text and copy it.</span>}
      <span className="hint">
        Use it as <code>Authorization: Bearer …</code> or with <code>headroom --token</code>.
      </span>
    </div>
  );
}

export function Tokens() {
  const { me } = useAuth();
  const tokens = useApi<Token[]>('/tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [showRevoked, setShowRevoked] = useState(false);
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const create = useAction(async (body: TokenCreate) => {
    setCreated(await post<TokenCreated>('/tokens', body));
    tokens.reload();
  });
  const revoke = useAction(async (t: Token) => {
    if (!window.confirm(`Revoke the token "${t.name}" (${t.prefix}…)? Anything using it stops working.`))
      return;
    await del(`/tokens/${seg(t.id)}`);
    tokens.reload();
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: TokenCreate = { name: name.trim(), ...(days ? { expiresInDays: Number(days) } : {}) };
    if (await create.run(body)) setName('');
  };
  const isAdmin = me?.role === 'admin';
  return (
    <>
      <PageHeader title="API tokens">
        <p className="hint">
          Tokens let scripts, CI and the <code>headroom</code> CLI act as you ({me?.user}, {me?.role}).
          {isAdmin && ' As an admin you see every user’s tokens.'}
        </p>
      </PageHeader>
      <Card title="Create a token">
        <form className="inline-form" onSubmit={submit}>
          <label className="inc-grow">
            Name
            <input
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. ci-pipeline"
            />
          </label>
          <label>
            Expires
            <select value={days} onChange={(e) => setDays(e.target.value)}>
              <option value="7">in 7 days</option>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in 1 year</option>
              <option value="">never</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={create.pending}>
            Create token
          </button>
        </form>
        <ProblemBox error={create.error} />
        {created && <NewSecret created={created} onDone={() => setCreated(null)} />}
      </Card>
      <Card
        title="Tokens"
        actions={
          <label className="inc-check">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
            Show revoked
          </label>
        }
      >
        <ProblemBox error={revoke.error} />
        <Async state={tokens}>
          {(all) => {
            const list = all.filter((t) => showRevoked || !t.revokedAt);
            if (list.length === 0) return <Empty>No tokens.</Empty>;
            return (
              <table className="table">
                <thead>
                  <tr>
                    <th>Name</th>
                    {isAdmin && <th>User</th>}
                    <th>Prefix</th>
                    <th>State</th>
                    <th>Created</th>
                    <th>Expires</th>
                    <th>Last used</th>
                    <th>
                      <span className="skip">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      {isAdmin && <td>{t.user}</td>}
                      <td className="mono">{t.prefix}…</td>
                      <td>{tokenState(t)}</td>
                      <td>
                        <Time at={t.createdAt} />
                      </td>
                      <td>
                        {t.expiresAt ? <Time at={t.expiresAt} /> : <span className="muted">never</span>}
                      </td>
                      <td>
                        <Time at={t.lastUsedAt} />
                      </td>
                      <td>
                        {!t.revokedAt && (
                          <button
                            type="button"
                            className="danger"
                            disabled={revoke.pending}
                            onClick={() => void revoke.run(t)}
                          >
                            Revoke<span className="skip"> {t.name}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
        </Async>
      </Card>
    </>
  );
}
