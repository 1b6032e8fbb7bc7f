// Levee dashboard: polls /dashboard/data once a second, keeps the last 5 minutes of samples, draws SVG charts.
// No framework and nothing from another origin (the page's Content-Security-Policy refuses it).
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = ['#e15759', '#f28e2b', '#4e79a7', '#76b7b2', '#59a14f', '#edc948', '#b07aa1'];
  const STATE_COLORS = { CLOSED: '#59a14f', HALF_OPEN: '#f28e2b', OPEN: '#e15759', FORCED_OPEN: '#e15759' };
  const HISTORY = 300;
  let samples = [];
  let lastSeq = -1;
  let updates = 0;

  const $ = (id) => document.getElementById(id);

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function html(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in (attrs || {})) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    if (Number.isInteger(v)) return String(v);
    return v.toFixed(Math.abs(v) < 10 ? 2 : 1);
  }

  // series: [{name, color, values: [number|null]}]; thresholds: [{value, color, label}] drawn when in range
  function lineChart(svg, series, opts) {
    opts = opts || {};
    const W = 300, H = 120, L = 30, T = 6, B = 12;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    let max = opts.min || 1;
    for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
    if (opts.fixedMax) max = opts.fixedMax;
    max = max * 1.1;
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const x = (i) => L + (W - L - 2) * (i / (HISTORY - 1));
    for (const f of [0, 0.5, 1]) {
      svg.appendChild(el('line', { x1: L, x2: W, y1: y(max * f / 1.1), y2: y(max * f / 1.1), class: 'grid' }));
      svg.appendChild(el('text', { x: 2, y: y(max * f / 1.1) + 3, class: 'axis' }, fmt(max * f / 1.1)));
    }
    svg.appendChild(el('text', { x: L, y: H - 2, class: 'axis' }, '-5 min'));
    svg.appendChild(el('text', { x: W - 22, y: H - 2, class: 'axis' }, 'now'));
    for (const t of (opts.thresholds || [])) {
      if (t.value <= max) {
        svg.appendChild(el('line', { x1: L, x2: W, y1: y(t.value), y2: y(t.value), stroke: t.color, class: 'threshold' }));
        svg.appendChild(el('text', { x: L + 2, y: y(t.value) - 2, class: 'axis' }, t.label));
      }
    }
    let points = 0;
    for (const s of series) {
      const offset = HISTORY - s.values.length;
      let d = '';
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null || v === undefined) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(offset + i).toFixed(1) + ' ' + y(v).toFixed(1);
        pen = true;
        points++;
      });
      if (d) svg.appendChild(el('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }));
    }
    svg.dataset.points = String(points);
    const first = series[0];
    svg.dataset.last = first && first.values.length ? String(first.values[first.values.length - 1]) : '';
  }

  function classSeries(field) {
    const names = [];
    for (const s of samples) for (const c of s.classes) if (!names.includes(c.name)) names.push(c.name);
    return names.map((name, i) => ({
      name: name,
      color: COLORS[i % COLORS.length],
      values: samples.map((s) => {
        const c = s.classes.find((x) => x.name === name);
        return c ? c[field] : null;
      })
    }));
  }

  function renderAdmission(current) {
    const admitted = classSeries('admitted_per_second');
    lineChart($('chart-admitted'), admitted);
    lineChart($('chart-queued'), classSeries('queue_depth'));
    lineChart($('chart-shed'), classSeries('shed_per_second'));
    lineChart($('chart-wait'), classSeries('wait_p99_ms'));
    const legend = $('legend-classes');
    legend.textContent = '';
    for (const s of admitted) {
      const span = html('span');
      const i = html('i');
      i.style.background = s.color;
      span.appendChild(i);
      span.appendChild(document.createTextNode(s.name));
      legend.appendChild(span);
    }
    const a = current.admission;
    $('admission-now').textContent = a
      ? `in flight ${a.in_flight} / ${a.max_concurrent}, queued ${a.queued}` + (a.enabled ? '' : ' (admission disabled)')
      : 'admission not running';
  }

  function renderCoalescer(current) {
    const pts = samples.map((s) => s.coalescer);
    lineChart($('chart-hit'), [{ name: 'hit rate', color: '#59a14f', values: pts.map((p) => p ? p.hit_rate_percent : null) }], { fixedMax: 100 });
    lineChart($('chart-saved'), [
      { name: 'made', color: '#4e79a7', values: pts.map((p) => p ? p.calls_per_second : null) },
      { name: 'saved', color: '#59a14f', values: pts.map((p) => p ? p.saved_per_second : null) }
    ]);
    const c = current.coalescer;
    $('coalescer-now').textContent = c
      ? `hit rate ${fmt(c.hit_rate_percent)} % since start, ${fmt(c.api_calls_saved)} upstream calls saved, ${fmt(c.api_calls_made)} made (${c.status})`
      : 'no read path';
  }

  function renderBreakers(current) {
    const tbody = $('breakers').tBodies[0];
    tbody.textContent = '';
    const list = current.breakers || [];
    $('breakers-none').hidden = list.length > 0;
    for (const b of list) {
      const tr = html('tr');
      tr.appendChild(html('td', {}, b.route));
      const st = html('td');
      st.appendChild(html('span', { class: 'state ' + b.state }, b.state));
      if (b.retry_after_millis > 0) st.appendChild(document.createTextNode(` probes in ${Math.ceil(b.retry_after_millis / 1000)} s`));
      tr.appendChild(st);
      tr.appendChild(html('td', { class: 'num' }, fmt(b.failure_rate_percent)));
      tr.appendChild(html('td', { class: 'num' }, fmt(b.opened)));
      const stripCell = html('td');
      const strip = html('div', { class: 'strip', title: 'state over the last 5 minutes' });
      const states = samples.map((s) => s.breakers[b.route]);
      const step = Math.max(1, Math.ceil(states.length / 60));
      for (let i = 0; i < states.length; i += step) {
        const seg = html('i');
        seg.style.background = STATE_COLORS[states[i]] || '#ccc';
        strip.appendChild(seg);
      }
      stripCell.appendChild(strip);
      tr.appendChild(stripCell);
      tbody.appendChild(tr);
    }
  }

  function renderEvents(current) {
    const e = current.events;
    const pts = samples.map((s) => s.events);
    const th = e ? [
      { value: e.recovery, color: '#59a14f', label: 'recovery ' + fmt(e.recovery) },
      { value: e.warning, color: '#f28e2b', label: 'warning ' + fmt(e.warning) },
      { value: e.critical, color: '#e15759', label: 'critical ' + fmt(e.critical) }
    ] : [];
    lineChart($('chart-events'), [{ name: 'depth', color: '#4e79a7', values: pts.map((p) => p ? p.depth : null) }], { thresholds: th });
    lineChart($('chart-events-rate'), [
      { name: 'accepted', color: '#59a14f', values: pts.map((p) => p ? p.accepted_per_second : null) },
      { name: 'rejected', color: '#e15759', values: pts.map((p) => p ? p.rejected_per_second : null) }
    ]);
    const dl = $('events-thresholds');
    dl.textContent = '';
    if (!e) {
      $('events-now').textContent = 'events disabled';
      return;
    }
    $('events-now').innerHTML = '';
    $('events-now').appendChild(document.createTextNode(`depth ${fmt(e.depth)}, circuit `));
    $('events-now').appendChild(html('span', { class: 'state ' + e.circuit, id: 'events-circuit' }, e.circuit));
    const rows = [['warning', e.warning], ['critical', e.critical], ['recovery', e.recovery], ['capacity', e.capacity],
      ['dead letters', e.dead_letters], ['accepting', e.accepting ? 'yes' : 'no']];
    for (const [k, v] of rows) {
      dl.appendChild(html('dt', {}, k));
      dl.appendChild(html('dd', {}, typeof v === 'number' ? fmt(v) : v));
    }
  }

  function renderTop(current) {
    const hs = current.hot_spots;
    const tbody = $('top').tBodies[0];
    tbody.textContent = '';
    const top = hs ? hs.top : [];
    $('top-none').hidden = top.length > 0;
    const last = samples.length ? samples[samples.length - 1].hot_spot : null;
    $('hotspot-now').textContent = hs
      ? `alert at ${Math.round(hs.alert_threshold * 100)} % of the limit` + (last ? `, ${last.alerting_keys} alerting, ${fmt(last.granted_per_second)} calls/s, ${fmt(last.rejected_per_second)} 429/s` : '')
      : 'no hot-spot routes';
    for (const k of top) {
      const tr = html('tr', { class: k.alert ? 'alert' : '', 'data-key': k.key });
      const name = html('td', { class: 'key', title: k.route }, k.key);
      tr.appendChild(name);
      tr.appendChild(html('td', { class: 'num' }, fmt(k.calls_per_minute)));
      tr.appendChild(html('td', { class: 'num' }, `${k.calls_in_window} / ${k.limit}`));
      const usage = html('td');
      const bar = html('div', { class: 'bar', title: `${k.usage_percent} % (alert at ${k.alert_at})` });
      const fill = html('span');
      fill.style.width = Math.min(100, k.usage_percent) + '%';
      const mark = html('i', { class: 'mark' });
      mark.style.left = (100 * k.alert_at / k.limit) + '%';
      bar.appendChild(fill);
      bar.appendChild(mark);
      usage.appendChild(bar);
      usage.appendChild(document.createTextNode(' ' + fmt(k.usage_percent) + ' %' + (k.alert ? ' ALERT' : '')));
      tr.appendChild(usage);
      tr.appendChild(html('td', { class: 'num' }, fmt(k.queue_depth)));
      tr.appendChild(html('td', { class: 'num' }, fmt(k.rejected)));
      tbody.appendChild(tr);
    }
  }

  function setStatus(text, ok) {
    const s = $('status');
    s.textContent = text;
    s.className = 'status ' + (ok ? 'ok' : 'error');
    s.dataset.samples = String(samples.length);
    s.dataset.updates = String(updates);
  }

  function apply(data) {
    // a restarted gateway numbers its samples from 1 again: drop the old history and ask for everything
    if (data.latest_seq < lastSeq) {
      samples = [];
      lastSeq = -1;
      return;
    }
    for (const s of data.samples) {
      if (s.seq > lastSeq) samples.push(s);
    }
    if (samples.length) lastSeq = samples[samples.length - 1].seq;
    if (samples.length > HISTORY) samples = samples.slice(samples.length - HISTORY);
    updates++;
    renderAdmission(data.current);
    renderCoalescer(data.current);
    renderBreakers(data.current);
    renderEvents(data.current);
    renderTop(data.current);
    setStatus('live · ' + new Date(data.epoch_millis).toLocaleTimeString(), true);
  }

  async function poll() {
    try {
      const r = await fetch('/dashboard/data?since=' + lastSeq, { cache: 'no-store' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      apply(await r.json());
    } catch (e) {
      setStatus('disconnected: ' + e.message + ' (retrying)', false);
    } finally {
      setTimeout(poll, 1000);
    }
  }

  poll();
})();
