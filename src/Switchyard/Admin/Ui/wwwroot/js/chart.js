// A plain SVG bar chart: no library, no inline styles (colours come from the stylesheet).
import { h, svg } from './dom.js';
import { t } from './i18n.js';

/** bars: [{label, value}], drawn in order; `format` renders values for the axis and tooltips. */
export function barChart(bars, { format = String, title = '' } = {}) {
  const width = 760;
  const height = 240;
  const left = 70;
  const bottom = 46;
  const top = 12;
  const plotWidth = width - left - 10;
  const plotHeight = height - top - bottom;
  const max = Math.max(0, ...bars.map(b => Number(b.value) || 0));
  const scale = max > 0 ? plotHeight / max : 0;
  const slot = bars.length ? plotWidth / bars.length : plotWidth;
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  // Labels never overlap: every n-th bar is labelled, n chosen from the longest label's width (about 6.5 px a
  // character at the chart's font size; Chinese characters count double).
  const labels = bars.map(b => {
    const text = String(b.label ?? '—');
    return text.length > 14 ? `${text.slice(0, 13)}…` : text;
  });
  const widest = Math.max(1, ...labels.map(l => [...l].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
  const labelEvery = Math.max(1, Math.ceil(((widest * 6.5) + 8) / slot));

  if (max === 0) {
    // Nothing to draw: say so, instead of an axis from $0.00 to $0.00.
    return h('div', { class: 'chart-panel chart-empty' }, h('p', { class: 'notice muted' }, t('chart.noData')));
  }
  const children = [
    svg('title', null, title),
    svg('line', { class: 'axis', x1: left, y1: top + plotHeight, x2: width - 10, y2: top + plotHeight }),
  ];
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotHeight - fraction * plotHeight;
    children.push(svg('line', { class: 'axis', x1: left - 4, y1: y, x2: left, y2: y }));
    children.push(svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end' }, format(max * fraction)));
  }
  bars.forEach((bar, i) => {
    const value = Number(bar.value) || 0;
    const barHeight = value * scale;
    const x = left + i * slot + (slot - barWidth) / 2;
    children.push(svg('rect', { class: 'bar', x, y: top + plotHeight - barHeight, width: barWidth, height: Math.max(barHeight, value > 0 ? 1 : 0) },
      svg('title', null, `${bar.label}: ${format(value)}`)));
    if (i % labelEvery === 0) {
      children.push(svg('text', { x: x + barWidth / 2, y: top + plotHeight + 16, 'text-anchor': 'middle' }, labels[i]));
    }
  });
  return h('div', { class: 'chart-panel' },
    svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title }, ...children));
}
