import type { ActionItem, Incident, PostmortemUpdate } from '@headroom/core/api/incident';
import type { PostmortemDocument } from '@headroom/core/api/postmortem';
import {
  POSTMORTEM_SECTIONS,
  type PostmortemSectionKey,
  PUBLISH_REQUIRED_SECTIONS,
} from '@headroom/core/incidents/postmortem';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, post, put, request, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { ActionItemsTable, AddActionItem, UserOptions } from '../components/incident-action-items';
import {
  incidentPath,
  PostmortemBadge,
  SeverityBadge,
  StatusBadge,
  splitList,
} from '../components/incident-common';
import { Markdown } from '../components/Markdown';
import { Async, Badge, Card, Empty, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/incident.css';

type Sections = PostmortemDocument['sections'];
type EditableStatus = 'draft' | 'in-review';

/** Section keys the API named in a POSTMORTEM_INCOMPLETE problem (paths `/sections/<key>`). */
function problemSections(error: Error | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!(error instanceof ApiError)) return out;
  for (const e of error.problem.errors ?? []) {
    const m = /^\/sections\/(\w+)/.exec(e.path ?? '');
    if (m?.[1]) out.set(m[1], e.message);
  }
  return out;
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function Editor({
  incidentId,
  doc,
  reload,
  canWrite,
}: {
  incidentId: string;
  doc: PostmortemDocument;
  reload: () => void;
  canWrite: boolean;
}) {
  const [sections, setSections] = useState<Sections>(doc.sections);
  const [authors, setAuthors] = useState(doc.authors.join(', '));
  const [status, setStatus] = useState<EditableStatus>(doc.status === 'in-review' ? 'in-review' : 'draft');
  const [active, setActive] = useState<PostmortemSectionKey | 'all'>('summary');
  const published = doc.status === 'published';

  // A fresh document from the server (after save) becomes the new baseline.
  useEffect(() => {
    setSections(doc.sections);
    setAuthors(doc.authors.join(', '));
    setStatus(doc.status === 'in-review' ? 'in-review' : 'draft');
  }, [doc]);

  const changedSections = (Object.keys(sections) as PostmortemSectionKey[]).filter(
    (k) => sections[k] !== doc.sections[k],
  );
  const authorsChanged = splitList(authors).join(',') !== doc.authors.join(',');
  const statusChanged = !published && status !== doc.status;
  const dirty = !doc.stored || changedSections.length > 0 || authorsChanged || statusChanged;

  const body = (): PostmortemUpdate => ({
    sections: Object.fromEntries(changedSections.map((k) => [k, sections[k]])),
    ...(authorsChanged ? { authors: splitList(authors) } : {}),
    ...(statusChanged ? { status } : {}),
  });
  const path = `/incidents/${seg(incidentId)}/postmortem`;
  const save = useAction(async () => {
    await put<PostmortemDocument>(path, body());
    reload();
  });
  const publish = useAction(async () => {
    if (dirty) await put<PostmortemDocument>(path, body());
    await post<PostmortemDocument>(`${path}/publish`);
    reload();
  });
  const exportMd = useAction(async () => {
    const text = await request<string>(`${path}.md`, { text: true });
    download(`${incidentId}-postmortem.md`, text);
  });
  const problems = problemSections(publish.error ?? save.error);

  // Leaving with unsaved text would lose it: the browser asks first.
  useEffect(() => {
    if (!dirty || !doc.stored) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty, doc.stored]);

  const current = POSTMORTEM_SECTIONS.find((s) => s.key === active);
  return (
    <>
      <Card
        title={
          <>
            Postmortem <PostmortemBadge status={doc.status} />
          </>
        }
        actions={
          <>
            <button type="button" onClick={() => void exportMd.run()} disabled={exportMd.pending}>
              Download .md
            </button>
            {canWrite && (
              <button
                type="button"
                className="primary"
                onClick={() => void save.run()}
                disabled={save.pending || !dirty}
              >
                {doc.stored ? 'Save' : 'Save draft'}
              </button>
            )}
            {canWrite && !published && (
              <button
                type="button"
                className="primary"
                onClick={() => void publish.run()}
                disabled={publish.pending}
              >
                Publish
              </button>
            )}
          </>
        }
      >
        {!doc.stored && (
          <p className="hint">
            Not saved yet: this draft is prefilled from the incident's summary, impact and timeline. Save to
            keep it.
          </p>
        )}
        <div className="inline-form">
          <label className="inc-grow">
            Authors
            <input
              value={authors}
              onChange={(e) => setAuthors(e.target.value)}
              disabled={!canWrite}
              list="inc-pm-users"
              placeholder="user names, comma separated"
            />
          </label>
          {published ? (
            <label>
              Status
              <input value="published" disabled />
            </label>
          ) : (
            <label>
              Status
              <select
                value={status}
                onChange={(e) => setStatus(e.target.value as EditableStatus)}
                disabled={!canWrite}
              >
                <option value="draft">draft</option>
                <option value="in-review">in-review</option>
              </select>
            </label>
          )}
          <span className="hint">
            Created <Time at={doc.createdAt} /> · updated <Time at={doc.updatedAt} />
            {doc.publishedAt && (
              <>
                {' '}
                · published <Time at={doc.publishedAt} absolute />
              </>
            )}
            {dirty && doc.stored && <strong> · unsaved changes</strong>}
          </span>
        </div>
        <ProblemBox error={save.error ?? publish.error ?? exportMd.error} />
      </Card>
      <Card>
        <div className="tabs inc-pm-tabs" role="tablist" aria-label="Sections">
          {POSTMORTEM_SECTIONS.map((s) => (
            <button
              key={s.key}
              type="button"
              role="tab"
              aria-selected={active === s.key}
              onClick={() => setActive(s.key)}
            >
              {s.title}
              {PUBLISH_REQUIRED_SECTIONS.includes(s.key) && <span title="Required to publish"> *</span>}
              {problems.has(s.key) && (
                <>
                  {' '}
                  <Badge tone="bad">!</Badge>
                </>
              )}
              {sections[s.key] !== doc.sections[s.key] && <span title="Unsaved"> •</span>}
            </button>
          ))}
          <button type="button" role="tab" aria-selected={active === 'all'} onClick={() => setActive('all')}>
            Whole document
          </button>
        </div>
        {current ? (
          <div className="inc-pm-editor" role="tabpanel" aria-label={current.title}>
            <div className="stack">
              <label>
                {current.title} (Markdown)
                {current.prompt && <span className="hint">{current.prompt}</span>}
                <textarea
                  className="inc-pm-text"
                  value={sections[current.key]}
                  readOnly={!canWrite}
                  onChange={(e) => setSections({ ...sections, [current.key]: e.target.value })}
                />
              </label>
              {problems.has(current.key) && (
                <div className="problem" role="alert">
                  {problems.get(current.key)}
                </div>
              )}
            </div>
            <section className="inc-pm-preview" aria-label="Preview">
              <div className="hint">Preview</div>
              {sections[current.key].trim() ? (
                <Markdown source={sections[current.key]} />
              ) : (
                <Empty>Empty.</Empty>
              )}
            </section>
          </div>
        ) : (
          <div className="inc-pm-whole" role="tabpanel" aria-label="Whole document">
            {POSTMORTEM_SECTIONS.map((s) => (
              <section key={s.key}>
                <h2>{s.title}</h2>
                {sections[s.key].trim() ? (
                  <Markdown source={sections[s.key]} />
                ) : (
                  <p className="muted">Not written.</p>
                )}
              </section>
            ))}
          </div>
        )}
      </Card>
    </>
  );
}

function ItemsCard({ incident, canWrite }: { incident: Incident; canWrite: boolean }) {
  const items = useApi<ActionItem[]>('/action-items', { incident: incident.id });
  const p0 = (items.data ?? []).some((i) => i.priority === 'P0');
  return (
    <Card title="Action items">
      {incident.postmortem.p0ActionItemRequired && !p0 && (
        <p className="problem">This incident needs at least one P0 action item before it can close.</p>
      )}
      <Async state={items}>
        {(list) => <ActionItemsTable items={list} canWrite={canWrite} onChanged={items.reload} />}
      </Async>
      {canWrite && (
        <AddActionItem incidentId={incident.id} services={incident.services} onAdded={items.reload} />
      )}
    </Card>
  );
}

export function Postmortem() {
  const { id = '' } = useParams();
  const canWrite = useCanWrite();
  const incident = useApi<Incident>(`/incidents/${seg(id)}`, undefined, { refreshMs: 15_000 });
  const doc = useApi<PostmortemDocument>(`/incidents/${seg(id)}/postmortem`);
  const inc = incident.data;
  return (
    <>
      <PageHeader
        title={`Postmortem: ${inc?.title ?? id}`}
        crumbs={[
          { to: '/incidents', label: 'Incidents' },
          { to: incidentPath(id), label: id },
        ]}
        actions={
          inc && (
            <>
              <SeverityBadge severity={inc.severity} />
              <StatusBadge status={inc.status} />
            </>
          )
        }
      >
        {inc && (
          <p className="hint">
            Blameless: describe systems and processes, not people.{' '}
            {inc.postmortem.required ? 'Required' : 'Optional'} for <Link to={incidentPath(id)}>{id}</Link>
            {inc.postmortem.reasons.length > 0 && `: ${inc.postmortem.reasons.join(' ')}`}
          </p>
        )}
      </PageHeader>
      {inc && inc.closingBlockers.length > 0 && (
        <div className="problem" role="status">
          <strong>Before {id} can close:</strong>
          <ul>
            {inc.closingBlockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      <UserOptions id="inc-pm-users" />
      <Async state={doc}>
        {(d) => (
          <Editor
            incidentId={id}
            doc={d}
            reload={() => {
              doc.reload();
              incident.reload();
            }}
            canWrite={canWrite}
          />
        )}
      </Async>
      {inc && <ItemsCard incident={inc} canWrite={canWrite} />}
    </>
  );
}
