/** Recording an interview: who, when, what was learned, and the feedback items it supports. */
import type { CreateInterviewRequest, FeedbackSummary, Interview } from '@headroom/core/api/feedback';
import { type FormEvent, useState } from 'react';
import { post } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { splitList, useCatalogChoices } from './feedback-common';
import { Markdown } from './Markdown';
import { ProblemBox } from './ui';

/** A Date as the value of <input type="datetime-local"> in the browser's zone. */
function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function InterviewForm({ onRecorded }: { onRecorded: (interview: Interview) => void }) {
  const catalog = useCatalogChoices();
  const items = useApi<FeedbackSummary[]>('/feedback', { limit: 500 });
  const [team, setTeam] = useState('');
  const [participants, setParticipants] = useState('');
  const [heldAt, setHeldAt] = useState(() => localInput(new Date()));
  const [summary, setSummary] = useState('');
  const [notes, setNotes] = useState('');
  const [preview, setPreview] = useState(false);
  const [feedback, setFeedback] = useState<string[]>([]);
  const record = useAction(async () => {
    const body: CreateInterviewRequest = {
      team,
      participants: splitList(participants),
      heldAt: new Date(heldAt).toISOString(),
      summary: summary.trim(),
      notes,
      feedback,
    };
    onRecorded(await post<Interview>('/interviews', body));
    setParticipants('');
    setSummary('');
    setNotes('');
    setFeedback([]);
    setHeldAt(localInput(new Date()));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void record.run();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Record an interview">
      <div className="fb-form-row">
        <label className="fb-grow">
          Team
          <select required value={team} onChange={(e) => setTeam(e.target.value)}>
            <option value="">choose…</option>
            {catalog.teams.map((t) => (
              <option key={t.name} value={t.name}>
                {t.title}
              </option>
            ))}
          </select>
        </label>
        <label className="fb-grow">
          Held at
          <input
            type="datetime-local"
            required
            value={heldAt}
            max={localInput(new Date())}
            onChange={(e) => setHeldAt(e.target.value)}
          />
        </label>
      </div>
      <label>
        Participants
        <input
          value={participants}
          onChange={(e) => setParticipants(e.target.value)}
          placeholder="Wen, Ola"
        />
        <span className="hint">Comma-separated names. You are recorded as the interviewer.</span>
      </label>
      <label>
        Summary
        <input
          required
          maxLength={1000}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          placeholder="What you learned, in one line"
        />
      </label>
      <div className="stack">
        <div className="row">
          <label htmlFor="fb-interview-notes">Notes (Markdown)</label>
          <button
            type="button"
            className="ghost"
            onClick={() => setPreview((p) => !p)}
            aria-pressed={preview}
          >
            {preview ? 'Edit' : 'Preview'}
          </button>
        </div>
        {preview ? (
          <div className="card">
            {notes.trim() ? <Markdown source={notes} /> : <span className="muted">Nothing yet.</span>}
          </div>
        ) : (
          <textarea
            id="fb-interview-notes"
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            maxLength={50_000}
            rows={6}
          />
        )}
      </div>
      <label>
        Feedback items it supports
        <select
          multiple
          size={5}
          value={feedback}
          onChange={(e) => setFeedback([...e.target.selectedOptions].map((o) => o.value))}
        >
          {(items.data ?? []).map((i) => (
            <option key={i.id} value={i.id}>
              {i.id} {i.title}
            </option>
          ))}
        </select>
        <span className="hint">Ctrl/⌘-click to pick several.</span>
      </label>
      <ProblemBox error={record.error ?? catalog.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={record.pending}>
          {record.pending ? 'Recording…' : 'Record interview'}
        </button>
      </div>
    </form>
  );
}
