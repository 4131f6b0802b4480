/** A quantity as people read it: bytes in binary multiples, anything else to 3 significant digits. */
const BINARY = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

export function formatQuantity(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (unit === 'bytes') {
    let scaled = value;
    let step = 0;
    while (Math.abs(scaled) >= 1024 && step < BINARY.length - 1) {
      scaled /= 1024;
      step++;
    }
    return `${significant(scaled)} ${BINARY[step]}`;
  }
  return `${significant(value)} ${unit}`;
}

function significant(n: number): string {
  if (n === 0) return '0';
  // Whole numbers stay whole (3,470 QPS, not 3.47e3); fractions keep 3 significant digits.
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return Number.parseFloat(n.toPrecision(3)).toString();
}
