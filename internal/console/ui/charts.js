// Bar charts as SVG elements built in the DOM (no inline style: colours
// come from classes in app.css), each with a text summary for screen
// readers.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

// bars draws one bar per day of values (numbers), labelled by dates.
export function bars(title, dates, values, cls) {
  const w = 600, hgt = 160, pad = 24;
  const max = Math.max(1, ...values);
  const bw = (w - pad) / values.length;
  const title_ = svg('title', {});
  title_.textContent = title;
  const chart = svg('svg', { viewBox: `0 0 ${w} ${hgt + 24}`, role: 'img', 'aria-label': title, class: 'chart' }, title_);
  chart.append(svg('line', { x1: pad, y1: hgt, x2: w, y2: hgt, class: 'axis' }));
  const top = svg('text', { x: 0, y: 18, class: 'tick' });
  top.textContent = String(max);
  chart.append(top);
  values.forEach((v, i) => {
    const bh = (v / max) * (hgt - 16);
    const r = svg('rect', { x: pad + i * bw + 1, y: hgt - bh, width: Math.max(1, bw - 2), height: bh, class: cls });
    const t = svg('title', {});
    t.textContent = `${dates[i]}: ${v}`;
    r.append(t);
    chart.append(r);
  });
  for (const [i, anchor] of [[0, 'start'], [values.length - 1, 'end']]) {
    const t = svg('text', { x: i ? w : pad, y: hgt + 20, class: 'tick', 'text-anchor': anchor });
    t.textContent = dates[i].slice(5);
    chart.append(t);
  }
  return chart;
}
