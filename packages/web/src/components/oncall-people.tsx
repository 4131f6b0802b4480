/** People, escalation targets and recipients, drawn the same on every on-call page. */
import type {
  EscalationRecipient,
  EscalationStepNow,
  EscalationTargetView,
} from '@headroom/core/api/escalation-policy';
import type { OnCallNow } from '@headroom/core/api/schedule';
import { createContext, useContext } from 'react';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { Time } from './ui';

/** Distinct light colours that dark text reads on, in both themes. */
export const PERSON_PALETTE = [
  '#93c5fd',
  '#fdba74',
  '#86efac',
  '#f9a8d4',
  '#c4b5fd',
  '#fde047',
  '#5eead4',
  '#fca5a5',
  '#bef264',
  '#a5b4fc',
  '#fcd34d',
  '#67e8f9',
];

/** A stable colour per person (same name, same colour on every page). */
export function personColor(name: string): string {
  // FNV-1a: short names that differ in one letter still land far apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return PERSON_PALETTE[h % PERSON_PALETTE.length]!;
}

/** Colours for the people of one schedule: distinct as long as the palette lasts. */
export function paletteFor(people: readonly string[]): (name: string) => string {
  const sorted = [...new Set(people)].sort();
  const map = new Map(sorted.map((p, i) => [p, PERSON_PALETTE[i % PERSON_PALETTE.length]!]));
  return (name) => map.get(name) ?? personColor(name);
}

/** A page that draws a timeline sets its palette here, so every swatch on it matches the bars. */
export const PersonColors = createContext<((name: string) => string) | null>(null);

export function Person({ name, color }: { name: string | null; color?: (name: string) => string }) {
  const fromPage = useContext(PersonColors);
  if (name === null) return <span className="muted">nobody</span>;
  return (
    <span className="person">
      <span
        className="swatch"
        style={{ background: (color ?? fromPage ?? personColor)(name) }}
        aria-hidden="true"
      />
      {name}
    </span>
  );
}

export function TargetView({ target }: { target: EscalationTargetView }) {
  if ('schedule' in target)
    return (
      <span>
        schedule <Link to={`/oncall/schedules/${seg(target.schedule)}`}>{target.schedule}</Link>
      </span>
    );
  if ('user' in target)
    return (
      <span>
        user <Person name={target.user} />
      </span>
    );
  return (
    <span>
      channel{' '}
      <Link to={`/notifications?channel=${encodeURIComponent(target.channel)}`}>{target.channel}</Link>
    </span>
  );
}

export function Recipient({ recipient }: { recipient: EscalationRecipient }) {
  return 'user' in recipient ? (
    <Person name={recipient.user} />
  ) : (
    <span>
      channel{' '}
      <Link to={`/notifications?channel=${encodeURIComponent(recipient.channel)}`}>{recipient.channel}</Link>
    </span>
  );
}

/** Whom a step would page right now, and why a target gives nobody. */
export function StepNow({ step }: { step: EscalationStepNow }) {
  return (
    <div>
      {step.now.recipients.length === 0 ? (
        <span className="bad-text">Nobody would be paged now.</span>
      ) : (
        <span className="row">
          Now:{' '}
          {step.now.recipients.map((r) => (
            <Recipient key={'user' in r ? `u:${r.user}` : `c:${r.channel}`} recipient={r} />
          ))}
        </span>
      )}
      {step.now.notes.map((n) => (
        <div key={n} className="hint bad-text">
          {n}
        </div>
      ))}
      <div className="hint">{step.now.explanation}</div>
    </div>
  );
}

/** "alice (layer weekly) since 2d ago, until in 3d → bob". */
export function OnCallLine({ onCall }: { onCall: OnCallNow }) {
  return (
    <span className="row">
      <Person name={onCall.user} />
      <span className="muted">
        {onCall.source === 'override' ? 'override' : onCall.layer ? `layer ${onCall.layer}` : ''}
      </span>
      {onCall.since && (
        <span className="muted">
          since <Time at={onCall.since} />
        </span>
      )}
      {onCall.nextHandoff && (
        <span className="muted">
          · hands off <Time at={onCall.nextHandoff.at} /> to <Person name={onCall.nextHandoff.user} />
        </span>
      )}
    </span>
  );
}
