// Server-rendered SVG bar charts: no script, no library, styled by the stylesheet (the CSP allows
// no inline styles, so colours are classes and sizes are attributes).

export interface Bar {
  label: string;
  value: number;
  /** A class for the bar (e.g. its urgency). */
  tone?: string;
  title?: string;
}

/** Horizontal bars with their labels and values; an accessible table follows for screen readers. */
export function BarChart({ title, bars, id }: { title: string; bars: Bar[]; id: string }) {
  const rowH = 26;
  const labelW = 190;
  const width = 560;
  const barW = width - labelW - 60;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowH + 8;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {bars.length === 0 ? (
        <p class="muted">Nothing to show.</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')}`} preserveAspectRatio="xMinYMin meet">
            {bars.map((b, i) => {
              const y = 4 + i * rowH;
              const w = Math.max(b.value > 0 ? 2 : 0, (b.value / max) * barW);
              return (
                <g>
                  <title>{b.title ?? `${b.label}: ${b.value}`}</title>
                  <text x={labelW - 8} y={y + rowH / 2 + 4} text-anchor="end" class="chart-label">
                    {b.label}
                  </text>
                  <rect x={labelW} y={y + 3} width={w} height={rowH - 8} rx="2" class={`bar ${b.tone ?? ''}`} />
                  <text x={labelW + w + 6} y={y + rowH / 2 + 4} class="chart-value">
                    {b.value.toLocaleString('en-GB')}
                  </text>
                </g>
              );
            })}
          </svg>
          <table class="visually-hidden">
            <caption>{title}</caption>
            <tbody>
              {bars.map((b) => (
                <tr>
                  <th scope="row">{b.label}</th>
                  <td>{b.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}

/** Days-to-deadline buckets for incomplete claims, most urgent first. */
export function deadlineBuckets(daysLeft: readonly number[], soonDays = 7): Bar[] {
  const buckets: Array<{ label: string; test: (d: number) => boolean; tone: string }> = [
    { label: 'Overdue', test: (d) => d < 0, tone: 'overdue' },
    { label: `Due in 0–${soonDays} days`, test: (d) => d >= 0 && d <= soonDays, tone: 'soon' },
    { label: `${soonDays + 1}–30 days`, test: (d) => d > soonDays && d <= 30, tone: 'ok' },
    { label: '31–60 days', test: (d) => d > 30 && d <= 60, tone: 'ok' },
    { label: 'More than 60 days', test: (d) => d > 60, tone: 'ok' },
  ];
  return buckets.map((b) => ({ label: b.label, value: daysLeft.filter(b.test).length, tone: b.tone }));
}
