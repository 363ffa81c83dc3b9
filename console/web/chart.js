// @ts-check
// A stacked bar chart in SVG: small enough to draw by hand, no charting library to load.
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** An SVG chart of payouts per hour (24 bars), each bar stacked by status; every bar titled for screen readers. */
export function hourlyChart(hours, statuses) {
  const width = 720;
  const height = 200;
  const left = 36;
  const bottom = 20;
  const top = 10;
  const most = Math.max(1, ...hours.map((hour) => statuses.reduce((sum, s) => sum + (hour[s] ?? 0), 0)));
  const barWidth = (width - left) / 24;
  const scale = (height - top - bottom) / most;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    role: 'img',
    'aria-label': 'Payouts created per hour, Kenya time, by status',
  });
  chart.append(
    svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: '#999' }),
    svg('text', { x: 0, y: top + 10, 'font-size': 11 }, String(most)),
    svg('text', { x: 0, y: height - bottom, 'font-size': 11 }, '0'),
  );
  hours.forEach((hour, index) => {
    const x = left + index * barWidth;
    let y = height - bottom;
    const parts = statuses.filter((s) => (hour[s] ?? 0) > 0).map((s) => `${hour[s]} ${s}`);
    const bar = svg(
      'g',
      {},
      svg('title', {}, `${String(index).padStart(2, '0')}:00: ${parts.join(', ') || 'none'}`),
    );
    for (const status of statuses) {
      const count = hour[status] ?? 0;
      if (count === 0) continue;
      const h = count * scale;
      y -= h;
      bar.append(svg('rect', { x: x + 2, y, width: barWidth - 4, height: h, class: `s-${status}` }));
    }
    chart.append(bar);
    if (index % 3 === 0) {
      chart.append(svg('text', { x: x + 2, y: height - 5, 'font-size': 11 }, String(index).padStart(2, '0')));
    }
  });
  return chart;
}
