import type {
  DoraDefinition,
  DoraFigure,
  DoraFigures,
  DoraKey,
  DoraLevel,
  DoraReport,
} from '@headroom/core/api/deployment';
import type { ReactNode } from 'react';
import { Badge, type Tone } from './ui';

export const DORA_KEYS: readonly DoraKey[] = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'recoveryTime',
];

const LEVEL_TONE: Record<DoraLevel, Tone> = { elite: 'ok', high: 'info', medium: 'warn', low: 'bad' };

export function DoraLevelBadge({ level }: { level: DoraLevel | null }) {
  if (level === null) return <Badge title="Nothing measured in the period">no level</Badge>;
  return (
    <Badge tone={LEVEL_TONE[level]} title={`2024 State of DevOps: ${level} performers`}>
      {level}
    </Badge>
  );
}

/** Which deployments or incidents the figure counted, and what it left out for lack of a time. */
function basis(f: DoraFigure): string {
  const what = f.key === 'recoveryTime' ? 'incident' : 'deployment';
  const left = f.missing > 0 ? `, ${f.missing} without a time left out` : '';
  return `${f.counted} ${what}${f.counted === 1 ? '' : 's'} counted${left}`;
}

/** The thresholds of one key, best level first, the one the value falls in marked. */
function Thresholds({ definition, level }: { definition: DoraDefinition; level: DoraLevel | null }) {
  return (
    <ul className="dora-thresholds">
      {definition.thresholds.map((t) => (
        <li key={t.level} className={t.level === level ? 'dora-current' : undefined} title={t.reportValue}>
          <span className="dora-level-name">{t.level}</span> {t.rule}
          {t.level === level && <span className="skip"> (this value)</span>}
        </li>
      ))}
    </ul>
  );
}

/** The four keys of one service, team or the whole organisation, with levels and thresholds. */
export function DoraPanel({ figures, definitions }: { figures: DoraFigures; definitions: DoraDefinition[] }) {
  return (
    <div className="dora-panel" data-testid="dora-panel">
      {DORA_KEYS.map((key) => {
        const f = figures[key];
        const def = definitions.find((d) => d.key === key);
        return (
          <section key={key} className="dora-key" data-dora-key={key} data-dora-level={f.level ?? 'none'}>
            <h3 title={def?.description}>{f.name}</h3>
            <div className="dora-value">{f.display}</div>
            <div>
              <DoraLevelBadge level={f.level} /> <span className="hint">{basis(f)}</span>
            </div>
            {def && <Thresholds definition={def} level={f.level} />}
          </section>
        );
      })}
    </div>
  );
}

/** One row per team or service: each key's value and level. */
export function DoraTable({
  rows,
  heading,
  name,
}: {
  rows: [string, DoraFigures][];
  heading: string;
  name: (key: string) => ReactNode;
}) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{heading}</th>
          <th className="num">Deployments</th>
          <th>Deployment frequency</th>
          <th>Lead time</th>
          <th>Change failure rate</th>
          <th>Recovery time</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, f]) => (
          <tr key={key}>
            <td>{name(key)}</td>
            <td className="num">{f.deployments}</td>
            {DORA_KEYS.map((k) => (
              <td key={k}>
                {f[k].display} <DoraLevelBadge level={f[k].level} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The report's source and the interpretations made to turn its clusters into bands. */
export function DoraSource({ report }: { report: DoraReport }) {
  return (
    <details className="release-details">
      <summary>Where the levels come from</summary>
      <p>
        <a href={report.source.url} target="_blank" rel="noreferrer noopener">
          {report.source.title}
        </a>
      </p>
      <ul>
        {report.source.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      <ul>
        {report.definitions.map((d) => (
          <li key={d.key}>
            <strong>{d.name}</strong>: {d.description}
          </li>
        ))}
      </ul>
    </details>
  );
}
