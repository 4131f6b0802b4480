/**
 * The forecast chart: history, forecast mean with its prediction interval as a band, an optional
 * scenario overlay with its own band, threshold and limit lines, a "now" marker and event markers.
 * uPlot directly, because the shared Chart has no bands (fill between two series); the look —
 * theme colours, axes, resize and theme switch — follows components/Chart.tsx.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar } from '../theme';

export interface BandSeries {
  label: string;
  /** Points at epoch ms with the mean and interval bounds. */
  points: { t: number; mean: number; lower: number; upper: number }[];
  color: string;
}

export interface ForecastChartProps {
  history: { t: number; v: number }[];
  historyLabel?: string;
  forecasts: BandSeries[];
  lines?: { value: number; label: string; tone: 'warn' | 'bad' }[];
  /** Vertical markers: "now", scenario events. */
  markers?: { at: number; label: string }[];
  format: (v: number) => string;
  height?: number;
  label: string;
}

function withAlpha(css: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(css);
  if (!m?.[1]) return css;
  const n = Number.parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Every series on one ascending x axis (seconds); a series has null where it has no point. */
function align(history: ForecastChartProps['history'], forecasts: BandSeries[]) {
  const xs = new Set<number>();
  for (const p of history) xs.add(p.t);
  for (const f of forecasts) for (const p of f.points) xs.add(p.t);
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const column = () => new Array<number | null>(x.length).fill(null);
  const hist = column();
  for (const p of history) hist[index.get(p.t)!] = p.v;
  const bands = forecasts.map((f) => {
    const mean = column();
    const lower = column();
    const upper = column();
    for (const p of f.points) {
      const i = index.get(p.t)!;
      mean[i] = p.mean;
      lower[i] = p.lower;
      upper[i] = p.upper;
    }
    return { mean, lower, upper };
  });
  return { x: x.map((t) => t / 1000), hist, bands };
}

export function ForecastChart({
  history,
  historyLabel = 'Usage (hourly max)',
  forecasts,
  lines = [],
  markers = [],
  format,
  height = 300,
  label,
}: ForecastChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | null = null;
    const { x, hist, bands } = align(history, forecasts);
    const colour = (c: string) => (c.startsWith('--') ? cssVar(c) : c);
    const build = () => {
      plot?.destroy();
      const axis = () => ({
        stroke: cssVar('--muted'),
        grid: { stroke: cssVar('--grid'), width: 1 },
        ticks: { stroke: cssVar('--grid'), width: 1 },
      });
      const value = (_u: uPlot, v: number | null) => (v === null ? '—' : format(v));
      const series: uPlot.Series[] = [
        {},
        { label: historyLabel, stroke: cssVar('--text'), width: 1.25, value, spanGaps: false },
      ];
      const uBands: uPlot.Band[] = [];
      forecasts.forEach((f, i) => {
        const c = colour(f.color);
        const base = series.length;
        series.push(
          { label: `${f.label} mean`, stroke: c, width: 2, value },
          { label: 'lower', stroke: withAlpha(c, 0.45), width: 1, dash: [3, 3], value },
          { label: 'upper', stroke: withAlpha(c, 0.45), width: 1, dash: [3, 3], value },
        );
        uBands.push({ series: [base + 2, base + 1], fill: withAlpha(c, i === 0 ? 0.16 : 0.12) });
      });
      // The y axis starts at zero and always shows the limit lines: the gap to them is the point.
      let top = 0;
      for (const column of [hist, ...bands.map((b) => b.upper), lines.map((l) => l.value)])
        for (const v of column) if (v !== null && v > top) top = v;
      const draw = (u: uPlot) => {
        const ctx = u.ctx;
        const { left, top: t0, width, height: h } = u.bbox;
        const px = devicePixelRatio;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, t0, width, h);
        ctx.clip();
        ctx.font = `${11 * px}px system-ui, sans-serif`;
        // uPlot leaves the axes' alignment on the context.
        ctx.textAlign = 'left';
        ctx.textBaseline = 'alphabetic';
        for (const l of lines) {
          const y = u.valToPos(l.value, 'y', true);
          const c = cssVar(l.tone === 'bad' ? '--bad' : '--warn');
          ctx.strokeStyle = c;
          ctx.lineWidth = 1.25 * px;
          ctx.setLineDash([6 * px, 4 * px]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.fillStyle = c;
          ctx.fillText(l.label, left + 4 * px, y - 4 * px);
        }
        for (const m of markers) {
          const xp = u.valToPos(m.at / 1000, 'x', true);
          if (xp < left || xp > left + width) continue;
          ctx.strokeStyle = cssVar('--muted');
          ctx.lineWidth = 1 * px;
          ctx.setLineDash([2 * px, 3 * px]);
          ctx.beginPath();
          ctx.moveTo(xp, t0);
          ctx.lineTo(xp, t0 + h);
          ctx.stroke();
          ctx.fillStyle = cssVar('--muted');
          // Near the right edge the label goes on the left of its line.
          const w = ctx.measureText(m.label).width;
          const tx = xp + 4 * px + w > left + width ? xp - 4 * px - w : xp + 4 * px;
          ctx.fillText(m.label, tx, t0 + 12 * px);
        }
        ctx.restore();
      };
      const opts: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        height,
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, top) * 1.06 || 1] } },
        axes: [axis(), { ...axis(), size: 78, values: (_u, ticks) => ticks.map((v) => format(v)) }],
        series,
        bands: uBands,
        hooks: { draw: [draw] },
        legend: { live: true },
      };
      const data = [x, hist, ...bands.flatMap((b) => [b.mean, b.lower, b.upper])] as uPlot.AlignedData;
      plot = new uPlot(opts, data, el);
    };
    build();
    const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    window.addEventListener('headroom-theme', build);
    return () => {
      resize.disconnect();
      window.removeEventListener('headroom-theme', build);
      plot?.destroy();
    };
  }, [history, historyLabel, forecasts, lines, markers, format, height]);

  return <div className="chart" ref={box} role="img" aria-label={label} />;
}
