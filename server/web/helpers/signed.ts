/** {{signed 45}} -> "+45", {{signed -12}} -> "−12" (a real minus sign), {{signed 0}} -> "0". */
export function signed(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (value > 0) return `+${value}`;
  if (value < 0) return `\u2212${Math.abs(value)}`;
  return '0';
}
