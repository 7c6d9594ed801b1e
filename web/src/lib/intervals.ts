/** A wait in seconds as people say it: "<1 min", "10 min", "3 h", "4 d", "2 mo", "1.5 y". */
export function humanInterval(seconds: number): string {
  const min = seconds / 60
  if (min < 1) return '<1 min'
  if (min < 60) return `${Math.round(min)} min`
  const h = min / 60
  if (h < 24) return `${Math.round(h)} h`
  const d = h / 24
  if (d < 30) return `${Math.round(d)} d`
  if (d < 365) return `${Math.round(d / 30)} mo`
  return `${(d / 365).toFixed(1).replace(/\.0$/, '')} y`
}
