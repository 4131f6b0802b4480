/**
 * RICE inputs of a solution on Intercom's scales. Reach comes from the opportunity's evidence
 * (teams affected) unless the user overrides it with a number and a reason.
 */
import type { TreeSolution } from '@headroom/core/api/discovery';
import {
  CONFIDENCE_NAMES,
  IMPACT_NAMES,
  RICE_CONFIDENCES,
  RICE_IMPACTS,
  riceScore,
} from '@headroom/core/discovery/rice';
import { type FormEvent, useState } from 'react';
import { patch, seg } from '../api/client';
import { useAction } from '../api/hooks';
import { formatNumber } from '../format';
import { ProblemBox } from './ui';

export function RiceForm({
  solution,
  teamsAffected,
  onDone,
  onCancel,
}: {
  solution: TreeSolution;
  /** The evidence's reach: teams affected of the solution's opportunity. */
  teamsAffected: number;
  onDone: () => void;
  onCancel: () => void;
}) {
  const rice = solution.rice;
  const [impact, setImpact] = useState(String(rice?.impact ?? 1));
  const [confidence, setConfidence] = useState(String(rice?.confidence ?? 80));
  const [effort, setEffort] = useState(rice ? String(rice.effort) : '');
  const [override, setOverride] = useState(rice?.reach !== null && rice?.reach !== undefined);
  const [reach, setReach] = useState(String(rice?.reach ?? teamsAffected));
  const [reason, setReason] = useState(rice?.reachReason ?? '');

  const effortN = Number(effort);
  const reachN = override ? Number(reach) : teamsAffected;
  const preview =
    effort !== '' && effortN > 0 && Number.isFinite(reachN)
      ? riceScore({ reach: reachN, impact: Number(impact), confidence: Number(confidence), effort: effortN })
      : null;

  const save = useAction(() =>
    patch(`/discovery/solutions/${seg(solution.name)}`, {
      rice: {
        impact: Number(impact),
        confidence: Number(confidence),
        effort: effort === '' ? 0 : effortN,
        reach: override ? (reach === '' ? null : Number(reach)) : null,
        reachReason: override ? reason.trim() || null : null,
      },
    }),
  );
  const unscore = useAction(() => patch(`/discovery/solutions/${seg(solution.name)}`, { rice: null }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save.run()) onDone();
  };
  return (
    <form className="ost-form ost-rice-form" onSubmit={submit} aria-label={`RICE of ${solution.name}`}>
      <fieldset>
        <legend>Reach (teams)</legend>
        <label className="ost-check">
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
          Override the evidence ({teamsAffected} team{teamsAffected === 1 ? '' : 's'} affected)
        </label>
        {override && (
          <>
            <label>
              Reach
              <input
                type="number"
                min={0}
                step="any"
                value={reach}
                onChange={(e) => setReach(e.target.value)}
              />
            </label>
            <label>
              Reason for the override
              <input required value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
          </>
        )}
      </fieldset>
      <label>
        Impact
        <select value={impact} onChange={(e) => setImpact(e.target.value)}>
          {RICE_IMPACTS.map((i) => (
            <option key={i} value={String(i)}>
              {i} {IMPACT_NAMES[String(i)]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Confidence
        <select value={confidence} onChange={(e) => setConfidence(e.target.value)}>
          {RICE_CONFIDENCES.map((c) => (
            <option key={c} value={String(c)}>
              {c} % {CONFIDENCE_NAMES[String(c)]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Effort (person-months)
        <input
          type="number"
          required
          min={0}
          step="any"
          value={effort}
          onChange={(e) => setEffort(e.target.value)}
        />
      </label>
      <p className="hint ost-wide">
        Score = reach × impact × confidence ÷ effort
        {preview !== null &&
          ` = ${formatNumber(reachN)} × ${impact} × ${confidence} % ÷ ${formatNumber(effortN)} = ${formatNumber(preview)}`}
      </p>
      <div className="row ost-wide">
        <button type="submit" className="primary" disabled={save.pending}>
          {save.pending ? 'Saving…' : 'Save RICE'}
        </button>
        {rice && (
          <button
            type="button"
            className="ghost"
            disabled={unscore.pending}
            onClick={async () => {
              if (await unscore.run()) onDone();
            }}
          >
            Remove score
          </button>
        )}
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ProblemBox error={save.error ?? unscore.error} />
    </form>
  );
}
