/**
 * The page's own script (inlined; vega's runtime is inlined before it): draws the compiled vega
 * charts, pins linearizability op details on click, and turns the static first page of the history
 * into a paginated, filterable table over every embedded op. Everything from the run is inserted
 * with textContent, never innerHTML. Sets `body[data-ready]` when every chart and the message
 * diagram's first window have rendered (the end-to-end test and the bench wait for it).
 */
export const VIEWER_JS = String.raw`
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var data = JSON.parse(document.getElementById('faultline-data').textContent);

  // Charts.
  var pending = [];
  Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (fig) {
    var chart = data.charts[fig.getAttribute('data-chart')];
    var box = fig.querySelector('.chart-canvas');
    if (!chart || !box) { fig.setAttribute('data-error', 'no chart data'); return; }
    if (typeof vega === 'undefined') { box.textContent = 'The chart library did not load.'; fig.setAttribute('data-error', 'no vega'); return; }
    try {
      var view = new vega.View(vega.parse(chart.spec), { renderer: chart.renderer, container: box, hover: true });
      view.logLevel(vega.Error);
      pending.push(view.runAsync().then(function () { fig.setAttribute('data-rendered', 'true'); }, function (err) {
        fig.setAttribute('data-error', String(err)); box.textContent = 'This chart could not be drawn: ' + err; console.error(err);
      }));
    } catch (err) {
      fig.setAttribute('data-error', String(err)); box.textContent = 'This chart could not be drawn: ' + err; console.error(err);
    }
  });
  // The message diagram (reports/diagram-script.ts, which ran before) draws its first window once unpacked.
  if (window.faultlineDiagram) pending.push(window.faultlineDiagram);
  Promise.all(pending).then(function () { document.body.setAttribute('data-ready', 'true'); });

  // Linearizability timelines open on the failing op: without JavaScript a wide one starts at its
  // end (CSS direction rtl); here it is turned left-to-right and scrolled so the failing op, its whole
  // label and mark end at about four fifths of the view, with the ops leading to it on their left.
  Array.prototype.forEach.call(document.querySelectorAll('.lin-failure .scroll[data-blocking-right]'), function (box) {
    var right = Number(box.getAttribute('data-blocking-right'));
    box.classList.remove('scroll-end');
    box.scrollLeft = box.scrollWidth > box.clientWidth ? Math.max(0, Math.min(box.scrollWidth - box.clientWidth, right - Math.round(box.clientWidth * 0.8))) : 0;
  });

  // Linearizability timelines: click pins an op's details under its timeline.
  Array.prototype.forEach.call(document.querySelectorAll('.lin-op'), function (g) {
    var pin = function () {
      var failure = g.closest('.lin-failure');
      Array.prototype.forEach.call(failure.querySelectorAll('.lin-op.selected'), function (o) { o.classList.remove('selected'); });
      g.classList.add('selected');
      failure.querySelector('.lin-detail').textContent = g.getAttribute('data-detail');
    };
    g.addEventListener('click', pin);
    g.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pin(); } });
  });

  // History table. Its rows are parsed on first use (a filter, a page turn, a link to a row): until
  // then the table shows the first page rendered into the page, which is the same page 1.
  var table = document.getElementById('history-table');
  var histBlock = document.getElementById('faultline-history');
  if (!table || !histBlock) return;
  var rows = null, fNames = null, typeNames = null, marks = {};
  var total = Number(table.getAttribute('data-total'));
  var typeOf = function (r) { return typeof r[3] === 'number' ? typeNames[r[3]] : r[3]; };
  var tbody = table.querySelector('tbody');
  var form = document.getElementById('history-filters');
  var pageSize = 100, page = 0, filtered = null, texts = null, marked = null;
  var fSel = form.querySelector('[name=f]');
  // The rows are gzipped in the page (reports/html-report.ts): unpacked once, then \`then\` runs.
  var unpacking = null;
  function withRows(then) {
    if (rows) { then(); return; }
    if (!unpacking) unpacking = window.faultlineUnpack(histBlock.textContent.trim()).then(function (text) {
      var h = JSON.parse(text);
      rows = h.ops; fNames = h.fs; typeNames = h.types; marks = h.anomalies || {}; filtered = rows;
    });
    unpacking.then(then, function (err) { console.error(err); document.getElementById('history-page').textContent = 'The history could not be unpacked: ' + err; });
  }
  JSON.parse(table.getAttribute('data-fs')).forEach(function (f) { var o = document.createElement('option'); o.value = f; o.textContent = f; fSel.appendChild(o); });
  var json = function (v) { return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v); };
  var cell = function (tr, text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); };
  var label = function (shown, pages) { document.getElementById('history-page').textContent = 'page ' + (page + 1) + ' of ' + pages + ' (' + shown + ' of ' + total + ' ops)'; };
  function render() {
    var pages = Math.max(1, Math.ceil(filtered.length / pageSize));
    if (page >= pages) page = pages - 1;
    var frag = document.createDocumentFragment();
    filtered.slice(page * pageSize, (page + 1) * pageSize).forEach(function (r) {
      var tr = document.createElement('tr');
      tr.id = 'op-' + r[0];
      if (r[2] === 'nemesis') tr.className = 'nemesis';
      if (r[0] === marked) tr.classList.add('marked');
      var why = marks[r[0]];
      if (why) { tr.classList.add('anomaly'); tr.title = why; }
      var type = typeOf(r);
      cell(tr, String(r[0]) + (why ? ' \u2717' : ''), 'num'); cell(tr, (r[1] / 1e6).toFixed(6), 'num'); cell(tr, String(r[2]));
      cell(tr, type, 'type-' + type); cell(tr, fNames[r[4]]); cell(tr, json(r[6])); cell(tr, json(r[5])); cell(tr, json(r[7])); cell(tr, json(r[8]));
      frag.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(frag);
    label(filtered.length, pages);
  }
  function apply() {
    var type = form.querySelector('[name=type]').value, f = fSel.value;
    var proc = form.querySelector('[name=process]').value.trim();
    var q = form.querySelector('[name=q]').value.trim().toLowerCase();
    if (q && !texts) texts = rows.map(function (r) { return (json(r[5]) + ' ' + json(r[6]) + ' ' + json(r[7]) + ' ' + json(r[8])).toLowerCase(); });
    filtered = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (type && typeOf(r) !== type) continue;
      if (f && fNames[r[4]] !== f) continue;
      if (proc && String(r[2]) !== proc) continue;
      if (q && texts[i].indexOf(q) < 0) continue;
      filtered.push(r);
    }
    page = 0;
    render();
  }
  var timer;
  form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { withRows(apply); }, 120); });
  form.addEventListener('submit', function (e) { e.preventDefault(); withRows(apply); });
  document.getElementById('history-prev').addEventListener('click', function () { withRows(function () { if (page > 0) { page--; render(); } }); });
  document.getElementById('history-next').addEventListener('click', function () { withRows(function () { page++; render(); }); });
  label(total, Math.max(1, Math.ceil(total / pageSize)));

  // Links to history rows (#op-<index>, from counterexamples, anomaly and nemesis tables): page to
  // the row (clearing filters that hide it), mark it and scroll it into view.
  function goTo(index) {
    withRows(function () { goToNow(index); });
  }
  function goToNow(index) {
    var at = filtered.findIndex(function (r) { return r[0] === index; });
    if (at < 0) {
      at = rows.findIndex(function (r) { return r[0] === index; });
      if (at < 0) return;
      form.reset(); filtered = rows;
    }
    marked = index; page = Math.floor(at / pageSize); render();
    var tr = document.getElementById('op-' + index);
    if (tr) tr.scrollIntoView({ block: 'center' });
  }
  var linked = function () { var m = /^#op-(\d+)$/.exec(location.hash); return m ? Number(m[1]) : null; };
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#op-"]');
    if (!a) return;
    var m = /^#op-(\d+)$/.exec(a.getAttribute('href'));
    if (m) { e.preventDefault(); history.pushState(null, '', '#op-' + m[1]); goTo(Number(m[1])); }
  });
  window.addEventListener('hashchange', function () { var i = linked(); if (i !== null) goTo(i); });
  if (linked() !== null) goTo(linked());
})();
`;
