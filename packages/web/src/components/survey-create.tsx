/** The form that creates a survey: capabilities, NPS/CSAT, audience and schedule. */
import type { Team } from '@headroom/core/api/catalog';
import type { Survey } from '@headroom/core/api/survey';
import { CAPABILITIES } from '@headroom/core/discovery/capabilities';
import { type FormEvent, useState } from 'react';
import { post } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { ProblemBox } from './ui';

export function SurveyCreateForm({
  onDone,
  onCancel,
}: {
  onDone: (s: Survey) => void;
  onCancel: () => void;
}) {
  const teams = useApi<Team[]>('/teams');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [capabilities, setCapabilities] = useState<Set<string>>(new Set());
  const [nps, setNps] = useState(true);
  const [csat, setCsat] = useState(true);
  const [comment, setComment] = useState(true);
  const [audience, setAudience] = useState<'all' | 'teams'>('all');
  const [chosenTeams, setChosenTeams] = useState<Set<string>>(new Set());
  const [every, setEvery] = useState('');
  const [days, setDays] = useState('14');
  const flip = (set: Set<string>, value: string) => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };
  const create = useAction(async () => {
    const survey = await post<Survey>('/surveys', {
      name: name.trim(),
      title: title.trim(),
      questions: { nps, csat, comment },
      capabilities: CAPABILITIES.map((c) => c.name).filter((c) => capabilities.has(c)),
      audience: audience === 'all' ? { kind: 'all' } : { kind: 'teams', teams: [...chosenTeams].sort() },
      scheduleWeeks: every === '' ? null : Number(every),
      responseDays: Number(days),
    });
    onDone(survey);
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await create.run();
  };
  return (
    <form className="survey-create" onSubmit={submit} aria-label="New survey">
      <label>
        Name
        <input required value={name} placeholder="q4-pulse" onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Title
        <input
          required
          value={title}
          placeholder="Q4 platform pulse"
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <fieldset className="survey-wide">
        <legend>Capabilities asked about</legend>
        {CAPABILITIES.map((c) => (
          <label key={c.name} className="survey-check">
            <input
              type="checkbox"
              checked={capabilities.has(c.name)}
              onChange={() => setCapabilities((s) => flip(s, c.name))}
            />
            {c.title}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Questions</legend>
        <label className="survey-check">
          <input type="checkbox" checked={nps} onChange={(e) => setNps(e.target.checked)} /> NPS (0–10)
        </label>
        <label className="survey-check">
          <input type="checkbox" checked={csat} onChange={(e) => setCsat(e.target.checked)} /> CSAT (1–5)
        </label>
        <label className="survey-check">
          <input type="checkbox" checked={comment} onChange={(e) => setComment(e.target.checked)} /> Optional
          comment
        </label>
      </fieldset>
      <fieldset>
        <legend>Audience</legend>
        <label className="survey-check">
          <input
            type="radio"
            name="audience"
            checked={audience === 'all'}
            onChange={() => setAudience('all')}
          />
          Every user
        </label>
        <label className="survey-check">
          <input
            type="radio"
            name="audience"
            checked={audience === 'teams'}
            onChange={() => setAudience('teams')}
          />
          Members of these teams:
        </label>
        {audience === 'teams' &&
          (teams.data ?? []).map((t) => (
            <label key={t.name} className="survey-check">
              <input
                type="checkbox"
                checked={chosenTeams.has(t.name)}
                onChange={() => setChosenTeams((s) => flip(s, t.name))}
              />
              {t.name}
            </label>
          ))}
      </fieldset>
      <label>
        Send every N weeks (empty: by hand)
        <input type="number" min={1} max={52} value={every} onChange={(e) => setEvery(e.target.value)} />
      </label>
      <label>
        Open for days
        <input
          type="number"
          min={1}
          max={90}
          required
          value={days}
          onChange={(e) => setDays(e.target.value)}
        />
      </label>
      <div className="row survey-wide">
        <button type="submit" className="primary" disabled={create.pending}>
          {create.pending ? 'Creating…' : 'Create survey'}
        </button>
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <div className="survey-wide">
        <ProblemBox error={create.error ?? teams.error} />
      </div>
    </form>
  );
}
