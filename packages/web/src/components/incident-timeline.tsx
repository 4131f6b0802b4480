/** The incident's timeline (it writes itself) and the form for notes and status updates. */
import type { IncidentChangeRequest, TimelineEntry } from '@headroom/core/api/incident';
import { type FormEvent, useState } from 'react';
import type { Action } from '../api/hooks';
import { fromLocalInput } from './incident-common';
import { Markdown } from './Markdown';
import { Badge, Empty, ProblemBox, Time, type Tone } from './ui';

const KIND_LABEL: Record<TimelineEntry['kind'], string> = {
  declared: 'declared',
  status: 'status',
  severity: 'severity',
  role: 'role',
  note: 'note',
  'status-update': 'status update',
  edit: 'edit',
  milestone: 'milestone',
  service: 'service',
  'alert-group': 'alert group',
  acknowledged: 'acknowledged',
  'alert-firing': 'alert firing',
  'alert-resolved': 'alert resolved',
  postmortem: 'postmortem',
  'action-item': 'action item',
  deployment: 'deployment',
};

function kindTone(kind: TimelineEntry['kind']): Tone {
  switch (kind) {
    case 'alert-firing':
    case 'declared':
      return 'bad';
    case 'alert-resolved':
    case 'acknowledged':
      return 'ok';
    case 'status-update':
    case 'status':
      return 'info';
    case 'severity':
      return 'warn';
    default:
      return 'muted';
  }
}

export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  const [newestFirst, setNewestFirst] = useState(true);
  if (entries.length === 0) return <Empty>Nothing on the timeline yet.</Empty>;
  const ordered = newestFirst ? [...entries].reverse() : entries;
  return (
    <>
      <div className="row inc-timeline-order">
        <button type="button" className="ghost" onClick={() => setNewestFirst(!newestFirst)}>
          {newestFirst ? 'Newest first ↓' : 'Oldest first ↓'}
        </button>
      </div>
      <ol className="timeline inc-timeline" aria-label="Timeline">
        {ordered.map((e) => (
          <li key={e.id} className={`inc-tl-${e.kind}`}>
            <div className="inc-tl-head">
              <Badge tone={kindTone(e.kind)}>{KIND_LABEL[e.kind]}</Badge> <Time at={e.at} absolute />{' '}
              <span className="muted">· {e.actor}</span>
            </div>
            {e.kind === 'note' || e.kind === 'status-update' ? (
              <Markdown source={e.text} />
            ) : (
              <div>{e.text}</div>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

export function NoteForm({ change }: { change: Action<[IncidentChangeRequest]> }) {
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'note' | 'status-update'>('note');
  // A note may be written after the fact: it then takes its place on the timeline.
  const [happenedAt, setHappenedAt] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const at = kind === 'note' ? fromLocalInput(happenedAt) : null;
    if (await change.run(at ? { type: 'note', text, at } : { type: kind, text })) {
      setText('');
      setHappenedAt('');
    }
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Add to the timeline">
      <fieldset className="row inc-fieldset">
        <legend className="skip">Kind of entry</legend>
        <label className="inc-radio">
          <input
            type="radio"
            name="inc-note-kind"
            checked={kind === 'note'}
            onChange={() => setKind('note')}
          />{' '}
          Note
          <span className="hint">on the timeline only</span>
        </label>
        <label className="inc-radio">
          <input
            type="radio"
            name="inc-note-kind"
            checked={kind === 'status-update'}
            onChange={() => setKind('status-update')}
          />{' '}
          Status update
          <span className="hint">sent to subscribers</span>
        </label>
      </fieldset>
      <label>
        {kind === 'note' ? 'Note' : 'Status update'} (Markdown)
        <textarea required value={text} onChange={(e) => setText(e.target.value)} className="inc-note-text" />
      </label>
      {kind === 'note' && (
        <label>
          Happened at <span className="hint">(optional, for a note written after the fact)</span>
          <input type="datetime-local" value={happenedAt} onChange={(e) => setHappenedAt(e.target.value)} />
        </label>
      )}
      <ProblemBox error={change.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={change.pending || text.trim() === ''}>
          {kind === 'note' ? 'Add note' : 'Post status update'}
        </button>
      </div>
    </form>
  );
}
