import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar } from '../theme';

export interface ChartSeries {
  label: string;
  /** One value per x; null leaves a gap (no data), never a fake zero. */
  values: (number | null)[];
  /** A CSS colour or a theme variable name such as `--series-1`. */
  color?: string;
  dash?: number[];
  fill?: boolean;
}

/** A marked time range (incident, correction) or instant (deployment) drawn behind the lines. */
export interface ChartAnnotation {
  from: number;
  to?: number;
  label: string;
  tone?: 'bad' | 'warn' | 'info' | 'muted';
}

export interface ChartThreshold {
  value: number;
  label: string;
  tone?: 'bad' | 'warn' | 'info' | 'muted';
}

export interface ChartProps {
  /** Epoch milliseconds, ascending. */
  x: number[];
  series: ChartSeries[];
  annotations?: ChartAnnotation[];
  thresholds?: ChartThreshold[];
  height?: number;
  yRange?: [number | null, number | null];
  /** Axis and legend format of values. */
  format?: (value: number) => string;
  /** Describes the chart for screen readers. */
  label: string;
}

const toneVar = (tone: ChartAnnotation['tone']) =>
  tone === 'bad' ? '--bad' : tone === 'warn' ? '--warn' : tone === 'muted' ? '--muted' : '--info';
const colour = (c: string) => (c.startsWith('--') ? cssVar(c) : c);

function withAlpha(css: string, alpha: number): string {
  // Theme colours are hex (#rrggbb); anything else is used as given.
  const m = /^#([0-9a-f]{6})$/i.exec(css);
  if (!m?.[1]) return css;
  const n = Number.parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * A uPlot time-series chart (canvas: 43 k points stay smooth) that follows the theme and the
 * container's width, with annotation bands and threshold lines drawn under the series.
 */
export function Chart({
  x,
  series,
  annotations = [],
  thresholds = [],
  height = 220,
  yRange,
  format,
  label,
}: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = () => ({
      stroke: cssVar('--muted'),
      grid: { stroke: cssVar('--grid'), width: 1 },
      ticks: { stroke: cssVar('--grid'), width: 1 },
    });
    const drawUnder = (u: uPlot) => {
      const ctx = u.ctx;
      const { left, top, width, height: h } = u.bbox;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, h);
      ctx.clip();
      for (const a of annotations) {
        const c = cssVar(toneVar(a.tone));
        const x0 = u.valToPos(a.from / 1000, 'x', true);
        if (a.to !== undefined) {
          const x1 = u.valToPos(a.to / 1000, 'x', true);
          ctx.fillStyle = withAlpha(c, 0.14);
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
        }
        ctx.strokeStyle = c;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(x0, top);
        ctx.lineTo(x0, top + h);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = c;
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.fillText(a.label, x0 + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
      }
      for (const t of thresholds) {
        const y = u.valToPos(t.value, 'y', true);
        const c = cssVar(toneVar(t.tone ?? 'bad'));
        ctx.strokeStyle = c;
        ctx.lineWidth = 1 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = c;
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.fillText(t.label, left + 4 * devicePixelRatio, y - 4 * devicePixelRatio);
      }
      ctx.restore();
    };
    const build = () => {
      plot.current?.destroy();
      const palette = ['--series-1', '--series-2', '--series-3', '--series-4'];
      const opts: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        height,
        cursor: { drag: { x: true, y: false } },
        scales: {
          x: { time: true },
          y: yRange ? { range: (_u, min, max) => [yRange[0] ?? min, yRange[1] ?? max] } : {},
        },
        axes: [
          axis(),
          { ...axis(), size: 64, values: format ? (_u, ticks) => ticks.map((v) => format(v)) : undefined },
        ],
        series: [
          {},
          ...series.map((s, i) => {
            const stroke = colour(s.color ?? palette[i % palette.length] ?? '--series-1');
            return {
              label: s.label,
              stroke,
              width: 1.5,
              dash: s.dash,
              fill: s.fill ? withAlpha(stroke, 0.12) : undefined,
              spanGaps: false,
              value: format ? (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)) : undefined,
            };
          }),
        ],
        hooks: { drawClear: [drawUnder] },
        legend: { live: true },
      };
      const data: uPlot.AlignedData = [x.map((t) => t / 1000), ...series.map((s) => s.values)];
      plot.current = new uPlot(opts, data, el);
    };
    build();
    const resize = new ResizeObserver(() => {
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height });
    });
    resize.observe(el);
    window.addEventListener('headroom-theme', build);
    return () => {
      resize.disconnect();
      window.removeEventListener('headroom-theme', build);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [x, series, annotations, thresholds, height, yRange, format]);

  return <div className="chart" ref={box} role="img" aria-label={label} />;
}
