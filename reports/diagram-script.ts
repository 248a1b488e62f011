/**
 * The message diagram's browser script (inlined after the viewer): a Lamport diagram of the run's
 * messages, time down, one column per node, service and client, an arrow per message from its
 * sending to its delivery (a dropped one ends in a cross half way). It draws one window of
 * PAGE journal lines at a time: the page holds messages.jsonl's text in gzipped chunks
 * (reports/messages.ts), a chunk unpacked by the browser's DecompressionStream when a window first
 * needs it, and only the window's lines are parsed, so a 200,000-message run opens about as fast as
 * a small one. `window.faultlineDiagram` is a promise
 * the viewer waits for before it marks the page ready.
 *
 * Rows are spaced evenly by send order, not by time (bursts stay readable); a delivery sits between
 * the rows of the sends around its time. Clicking an arrow shows its body. Everything from the run
 * reaches the page through textContent.
 */
export const DIAGRAM_JS = String.raw`
(function () {
  'use strict';
  /** Base64 of gzipped text → the text (a promise), by the browser's own DecompressionStream; the viewer uses it too. */
  function unpack(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  }
  window.faultlineUnpack = unpack;
  var box = document.getElementById('diagram');
  var block = document.getElementById('faultline-messages');
  if (!box || !block) return;
  var meta = JSON.parse(block.getAttribute('data-meta'));
  var fail = function (err) { box.textContent = 'The message diagram could not be unpacked: ' + err; box.setAttribute('data-error', String(err)); console.error(err); };
  // The journal's lines come in chunks of meta.chunkLines (reports/messages.ts), each unpacked when a
  // window first needs it: the first window waits for the first chunk only.
  var CL = meta.chunkLines, chunks = [], loading = [];
  function load(k) {
    if (!loading[k]) loading[k] = unpack(document.getElementById('faultline-messages-' + k).textContent.trim()).then(function (text) {
      var lines = Math.max(0, Math.min(CL, meta.count - k * CL));
      if (text.length > 0 && text[text.length - 1] === '\n') text = text.slice(0, -1);
      // Where each line starts, found once (an indexOf per line; nothing is parsed).
      var starts = new Int32Array(lines + 1), n = 0, at = 0;
      while (n < lines) { starts[n++] = at; var nl = text.indexOf('\n', at); at = nl < 0 ? text.length + 1 : nl + 1; }
      starts[lines] = text.length + 1;
      chunks[k] = { text: text, starts: starts };
    });
    return loading[k];
  }
  /** Every chunk holding a line in [from, to). */
  function ensure(from, to) {
    var waits = [];
    for (var k = Math.floor(from / CL); k * CL < to; k++) waits.push(load(k));
    return Promise.all(waits);
  }
  window.faultlineDiagram = load(0).then(start).catch(fail);
  function start() {
  var PAGE = 100, ROW = 18, COL = 92, TOP = 28, LEFT = 70;
  var NS = 'http://www.w3.org/2000/svg';
  var count = meta.count, pages = Math.max(1, Math.ceil(count / PAGE));
  var lineOf = function (i) { var c = chunks[Math.floor(i / CL)], l = i % CL; return c.text.slice(c.starts[l], c.starts[l + 1] - 1); };
  var TIME = /"time":(-?\d+(?:\.\d+)?)/;
  /** A line's send time in µs (a line without one sorts where it stands: its neighbour's; a chunk's first, the time its meta says). */
  var sentOf = function (i) {
    var k = Math.floor(i / CL), c = chunks[k], l = i - k * CL;
    var m = TIME.exec(c.text.slice(c.starts[l], Math.min(c.starts[l + 1], c.starts[l] + 80)));
    return m ? Number(m[1]) / 1e3 : (l > 0 ? sentOf(i - 1) : meta.chunkSentUs[k]);
  };
  var epIndex = {}; meta.endpoints.forEach(function (e, k) { epIndex[e] = k; });
  /** Line i as a message: null for a line that is not one (torn, blank). */
  function parse(i) {
    var o;
    try { o = JSON.parse(lineOf(i)); } catch (e) { return null; }
    if (!o || typeof o.src !== 'string' || typeof o.dest !== 'string' || !(o.src in epIndex) || !(o.dest in epIndex)) return null;
    var sent = Number(o.time) / 1e3, late = typeof o.id === 'number' ? meta.lateDrops[o.id] : undefined;
    var dropped = o.dropped !== undefined ? String(o.dropped) : late !== undefined ? late + ', on arrival' : null;
    return { i: i, id: o.id, sent: sent, travel: dropped !== null || typeof o.deliverAt !== 'number' ? null : Math.max(0, o.deliverAt / 1e3 - sent),
      src: epIndex[o.src], dest: epIndex[o.dest], type: String(o.type), body: o.body, dropped: dropped, lateDrop: o.lateDrop !== undefined };
  }
  // Columns: nodes, then services, then clients, each in natural order.
  var rank = function (e) { return /^n\d+$/.test(e) ? 0 : /^c\d+$/.test(e) ? 2 : 1; };
  var order = meta.endpoints.map(function (e, i) { return i; }).sort(function (a, b) {
    var ea = meta.endpoints[a], eb = meta.endpoints[b];
    return rank(ea) - rank(eb) || ea.localeCompare(eb, 'en', { numeric: true });
  });
  var colOf = {}; order.forEach(function (e, k) { colOf[e] = k; });
  var xOf = function (e) { return LEFT + colOf[e] * COL + COL / 2; };
  var BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  var visible = function (s) { return s.replace(BIDI, function (c) { return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'); }); };
  var el = function (name, attrs, parent) { var e = document.createElementNS(NS, name); for (var k in attrs) e.setAttribute(k, attrs[k]); if (parent) parent.appendChild(e); return e; };
  var secs = function (us) { return (us / 1e6).toFixed(6); };
  var detail = document.getElementById('diagram-body'), label = document.getElementById('diagram-page');
  var page = 0, marker = null;

  /**
   * The first message sent at or after us (a promise): binary search over the chunks' first send
   * times, then over the send times in the one chunk it can be in.
   */
  function firstAtOrAfter(us) {
    var st = meta.chunkSentUs, clo = 0, chi = st.length - 1;
    while (clo < chi) { var cm = (clo + chi + 1) >> 1; if (st[cm] < us) clo = cm; else chi = cm - 1; }
    return load(clo).then(function () {
      var lo = clo * CL, hi = Math.min(count, (clo + 1) * CL);
      while (lo < hi) { var mid = (lo + hi) >> 1; if (sentOf(mid) < us) lo = mid + 1; else hi = mid; }
      return lo;
    });
  }

  // A window draws once its chunks (and the up to 500 lines before it, for arrivals) are unpacked;
  // a later page turn supersedes one still waiting.
  function draw() {
    var p = page, from = p * PAGE;
    return ensure(Math.max(0, from - 500), Math.min(count, from + PAGE)).then(function () { if (p === page) drawNow(); }, fail);
  }
  function drawNow() {
    var from = page * PAGE, to = Math.min(count, from + PAGE);
    var msgs = [];
    for (var i = from; i < to; i++) { var pm = parse(i); if (pm && !pm.lateDrop) msgs.push(pm); }
    var t0 = msgs.length ? msgs[0].sent : 0, t1 = msgs.length ? msgs[msgs.length - 1].sent : 0;
    // Earlier messages still travelling into this window (at most 500 looked at).
    var early = [];
    for (var j = from - 1; j >= 0 && j >= from - 500 && sentOf(j) >= t0 - meta.maxTravelUs; j--) {
      var m = parse(j);
      if (m && !m.lateDrop && m.travel !== null && m.sent + m.travel >= t0) early.push(m);
    }
    var sends = msgs.map(function (m) { return m.sent; });
    // Time → y: evenly spaced rows by send order, linear between neighbouring sends.
    function yOf(us) {
      if (sends.length === 0) return TOP;
      if (us <= sends[0]) return TOP + ROW / 2 - (us < sends[0] ? ROW / 2 : 0);
      var lo = 0, hi = sends.length - 1;
      if (us >= sends[hi]) return TOP + ROW / 2 + hi * ROW + (us > sends[hi] ? ROW / 2 : 0);
      while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (sends[mid] <= us) lo = mid; else hi = mid; }
      var f = sends[hi] === sends[lo] ? 0 : (us - sends[lo]) / (sends[hi] - sends[lo]);
      return TOP + ROW / 2 + (lo + f) * ROW;
    }
    var height = TOP + Math.max(1, msgs.length) * ROW + ROW;
    var svg = el('svg', { width: LEFT + order.length * COL + 10, height: height, class: 'diagram', role: 'img' });
    el('title', {}, svg).textContent = 'journal lines ' + (from + 1) + '–' + to + ' of ' + count;
    order.forEach(function (e) {
      var x = xOf(e);
      el('line', { x1: x, x2: x, y1: TOP - 6, y2: height, class: 'life' }, svg);
      var t = el('text', { x: x, y: 14, class: 'endpoint' }, svg); t.textContent = visible(meta.endpoints[e]);
    });
    for (var r = 0; r < msgs.length; r += 10) {
      var tt = el('text', { x: 4, y: yOf(msgs[r].sent) + 4, class: 'time' }, svg); tt.textContent = secs(msgs[r].sent) + ' s';
    }
    if (marker !== null && marker.us >= t0 && marker.us <= t1) {
      var my = yOf(marker.us);
      el('line', { x1: LEFT - 6, x2: LEFT + order.length * COL, y1: my, y2: my, class: 'op-mark' }, svg);
      var mt = el('text', { x: LEFT + order.length * COL, y: my - 3, class: 'op-mark-label' }, svg); mt.textContent = marker.what;
    }
    early.concat(msgs).forEach(function (m) {
      var x1 = xOf(m.src), x2 = xOf(m.dest), y1 = yOf(m.sent);
      var dropped = m.dropped !== null;
      var y2 = dropped ? y1 + ROW : yOf(m.sent + m.travel);
      var g = el('g', { class: 'msg' + (dropped ? ' dropped' : ''), 'data-i': m.i, tabindex: 0 }, svg);
      var xe = dropped ? (x1 + x2) / 2 : x2, ye = dropped ? (y1 + y2) / 2 : y2;
      el('line', { x1: x1, y1: y1, x2: xe, y2: ye, class: 'hit' }, g);
      el('line', { x1: x1, y1: y1, x2: xe, y2: ye, class: 'arrow', 'marker-end': dropped ? '' : 'url(#diagram-head)' }, g);
      if (dropped) { el('path', { d: 'M' + (xe - 4) + ' ' + (ye - 4) + 'l8 8m0 -8l-8 8', class: 'cross' }, g); }
      var lt = el('text', { x: (x1 + xe) / 2, y: (y1 + ye) / 2 - 3, class: 'label' }, g); lt.textContent = visible(String(m.type));
      el('title', {}, g).textContent = visible(meta.endpoints[m.src] + ' → ' + meta.endpoints[m.dest] + ' ' + m.type);
    });
    var defs = el('defs', {}, svg);
    var head = el('marker', { id: 'diagram-head', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0 0L8 4L0 8z' }, head);
    box.textContent = '';
    box.appendChild(svg);
    label.textContent = 'window ' + (page + 1) + ' of ' + pages + ': lines ' + (count ? from + 1 : 0) + '–' + to + ' of ' + count +
      (msgs.length ? ', ' + secs(t0) + '–' + secs(t1) + ' s' : '');
    box.setAttribute('data-window', String(page + 1));
    box.setAttribute('data-rendered', 'true');
  }

  function show(i) {
    var m = parse(i);
    if (!m) return;
    detail.textContent = visible('message ' + m.id + ' (line ' + (i + 1) + '): ' + meta.endpoints[m.src] + ' → ' + meta.endpoints[m.dest] + ', sent ' + secs(m.sent) + ' s, ' +
      (m.dropped !== null ? 'dropped (' + m.dropped + ')' : m.travel === null ? 'in flight at the end' : 'delivered ' + secs(m.sent + m.travel) + ' s') + '\n' + JSON.stringify(m.body, null, 2));
    Array.prototype.forEach.call(box.querySelectorAll('g.msg.selected'), function (g) { g.classList.remove('selected'); });
    var g = box.querySelector('g.msg[data-i="' + i + '"]');
    if (g) g.classList.add('selected');
  }
  box.addEventListener('click', function (e) { var g = e.target.closest && e.target.closest('g.msg'); if (g) show(Number(g.getAttribute('data-i'))); });
  box.addEventListener('keydown', function (e) { var g = e.target.closest && e.target.closest('g.msg'); if (g && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); show(Number(g.getAttribute('data-i'))); } });
  var go = function (p) { page = Math.max(0, Math.min(pages - 1, p)); draw(); };
  document.getElementById('diagram-first').addEventListener('click', function () { go(0); });
  document.getElementById('diagram-prev').addEventListener('click', function () { go(page - 1); });
  document.getElementById('diagram-next').addEventListener('click', function () { go(page + 1); });
  document.getElementById('diagram-last').addEventListener('click', function () { go(pages - 1); });
  var jumpTo = function (us, what) { marker = { us: us, what: what }; firstAtOrAfter(us).then(function (i) { go(Math.floor(Math.min(count - 1, i) / PAGE)); }, fail); };
  document.getElementById('diagram-time').addEventListener('change', function (e) {
    var s = Number(e.target.value); if (Number.isFinite(s)) jumpTo(s * 1e6, 't = ' + s + ' s');
  });
  var failing = document.getElementById('diagram-failing');
  if (failing) failing.addEventListener('click', function () {
    var f = meta.failing[0]; jumpTo(f.us, 'op ' + f.index + ': ' + f.what);
  });
  return draw();
  }
})();
`;
