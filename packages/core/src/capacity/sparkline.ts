const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line Unicode chart for the terminal. Longer inputs are squeezed to `width` cells keeping
 * each cell's maximum (peaks matter for capacity); non-finite values show as spaces.
 */
export function sparkline(values: (number | null)[], width?: number): string {
  let cells: (number | null)[] = values;
  if (width !== undefined && width > 0 && values.length > width) {
    cells = [];
    for (let c = 0; c < width; c++) {
      const from = Math.floor((c * values.length) / width);
      const to = Math.floor(((c + 1) * values.length) / width);
      let max: number | null = null;
      for (let i = from; i < to; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isFinite(v) && (max === null || v > max)) max = v;
      }
      cells.push(max);
    }
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of cells) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return cells
    .map((v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return ' ';
      if (hi === lo) return BARS[0];
      return BARS[Math.min(7, Math.floor(((v - lo) / (hi - lo)) * 8))];
    })
    .join('');
}
