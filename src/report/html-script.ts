/**
 * @module report/html-script
 * The vanilla script inlined into report.html. It reads the JSON data block and builds the
 * per-run sections with createElement and textContent only: no innerHTML, no URLs from the
 * data (artefact links must be plain file names). Kept free of `${` and backticks so it sits
 * in a raw template literal unchanged; the page's CSP allows exactly this script by hash.
 */
export const REPORT_SCRIPT = String.raw`(function () {
  'use strict';
  var LABEL_PX = 160;
  var GLYPHS = { user: '\u25cf', request: '\u25b6', response: '\u25c0', failure: '\u2715', fault: '\u26a1',
    kill: '\u2620', restart: '\u21bb', conflict: '\u26a0', server: '\u25a0', device: '\u25c6', other: '\u00b7' };
  var data = JSON.parse(document.getElementById('syncstorm-data').textContent);
  var root = document.getElementById('runs');

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function px(value) { return Math.max(0, Number(value) || 0) + 'px'; }
  function ms(t) { return Number(t) >= 10000 ? (Number(t) / 1000).toFixed(1) + ' s' : Number(t) + ' ms'; }
  function safeFile(name) { return typeof name === 'string' && /^[A-Za-z0-9._-]+$/.test(name) && name.charAt(0) !== '.'; }

  function meta(run) {
    var list = el('dl', 'meta');
    function row(term, value, mono) {
      if (value === null || value === undefined || value === '') return;
      add(list, el('dt', '', term));
      add(list, el('dd', mono ? 'mono' : '', value));
    }
    row('seed', run.seed, true);
    row('client', run.client);
    row('profile', run.profile);
    row('trace hash', run.traceHash, true);
    row('repro', run.repro === null ? 'none written' : run.repro + (run.steps === null ? '' : ' (' + run.steps + ' steps)'), true);
    row('replay', run.replay, true);
    row('expected violations', run.expectedViolations.join(', '));
    row('stats', 'virtual ' + ms(run.stats.virtualMs) + ', ' + run.stats.exchanges + ' exchanges, ' + run.stats.opsApplied +
      ' ops applied, ' + run.stats.conflicts + ' conflicts, ' + run.stats.traceEvents + ' trace events');
    var files = el('dd');
    ['trace', 'diagram'].forEach(function (key) {
      var name = run.artifacts[key];
      if (!safeFile(name)) return;
      var link = add(files, el('a', '', name));
      link.setAttribute('href', name);
      add(files, document.createTextNode(' '));
    });
    if (files.childNodes.length > 0) { add(list, el('dt', '', 'files')); add(list, files); }
    return list;
  }

  function focusSeq(section, seq) {
    var marker = section.querySelector('[data-seq="' + Number(seq) + '"]');
    if (marker) { marker.scrollIntoView({ block: 'nearest', inline: 'center' }); marker.focus(); marker.click(); }
  }

  function violations(section, run) {
    var box = el('div');
    run.violations.forEach(function (violation) {
      var item = add(box, el('div', 'violation'));
      add(item, el('strong', '', violation.invariant));
      add(item, el('span', '', violation.message));
      var facts = [];
      if (violation.device !== undefined) facts.push('device: ' + violation.device);
      if (violation.recordId !== undefined) facts.push('record: ' + violation.recordId);
      if (facts.length) add(item, el('div', 'note', facts.join(' \u00b7 ')));
      if (violation.expected !== undefined) add(item, el('pre', '', 'expected: ' + violation.expected));
      if (violation.actual !== undefined) add(item, el('pre', '', 'actual:   ' + violation.actual));
      if (violation.events.length) {
        var seqs = add(item, el('div', 'note', 'witness events: '));
        violation.events.forEach(function (seq) {
          var button = add(seqs, el('button', 'seq-link', 'seq ' + seq));
          button.type = 'button';
          button.addEventListener('click', function () { focusSeq(section, seq); });
        });
      }
    });
    run.errors.forEach(function (error) { add(box, el('div', 'violation', 'error: ' + error)); });
    return box;
  }

  // Zoom: x' = pad + (x - pad) * zoom (a linear axis stays linear); same-instant markers keep
  // their fixed fan-out (stack * STACK_PX). The page opens fitted to the violation's witnesses.
  var STACK_PX = 16;
  var PX_PER_MS_MAX = 20;
  function zoomed(timeline, x, zoom) { return timeline.pad + (x - timeline.pad) * zoom; }
  function niceStep(raw) {
    var power = Math.pow(10, Math.floor(Math.log(Math.max(raw, 1)) / Math.LN10));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= raw) return steps[i] * power;
    return 10 * power;
  }

  function axis(timeline, zoom, width) {
    var row = el('div', 'axis');
    add(row, el('div', 'lane-label note', 'virtual time (linear)'));
    var track = add(row, el('div', 'track'));
    track.style.width = px(width);
    var pxPerMs = timeline.pxPerMs * zoom;
    var step = niceStep(90 / pxPerMs);
    var t1 = timeline.t0 + (width - 2 * timeline.pad) / pxPerMs;
    for (var t = Math.ceil(timeline.t0 / step) * step, n = 0; t <= t1 && n < 2000; t += step, n++) {
      var mark = add(track, el('span', 'tick', ms(t)));
      mark.style.left = px(timeline.pad + (t - timeline.t0) * pxPerMs);
    }
    return row;
  }

  function lane(timeline, index, detail, zoom, width) {
    var info = timeline.lanes[index];
    var row = el('div', 'lane' + (info.server ? ' lane-server' : ''));
    row.setAttribute('data-lane', String(index));
    var label = add(row, el('div', 'lane-label'));
    add(label, el('span', 'lane-name', info.name));
    add(label, el('span', 'note', info.shown < info.total ? 'showing ' + info.shown + ' of ' + info.total + ' events' : info.total + ' events'));
    var track = add(row, el('div', 'track'));
    track.style.width = px(width);
    timeline.spans.forEach(function (span) {
      if (span.lane !== index) return;
      var bar = add(track, el('div', 'span o-' + span.outcome));
      var x1 = zoomed(timeline, span.x1, zoom);
      bar.style.left = px(x1);
      bar.style.width = px(Math.max(2, zoomed(timeline, span.x2, zoom) - x1));
      bar.style.top = px(28 + span.row * 5);
      bar.title = span.label;
    });
    timeline.events.forEach(function (event) {
      if (event.lane !== index) return;
      var marker = add(track, el('button', 'ev k-' + event.kind + (event.witness ? ' witness' : ''), GLYPHS[event.kind] || GLYPHS.other));
      marker.type = 'button';
      marker.style.left = px(zoomed(timeline, event.x, zoom) + (event.stack || 0) * STACK_PX);
      marker.title = event.label + ' (seq ' + event.seq + ', ' + ms(event.t) + ')';
      marker.setAttribute('aria-label', event.label);
      marker.setAttribute('data-seq', String(event.seq));
      marker.addEventListener('click', function () {
        var previous = row.parentNode.querySelector('.ev.selected');
        if (previous) previous.classList.remove('selected');
        marker.classList.add('selected');
        detail.textContent = 'seq ' + event.seq + ' \u00b7 ' + ms(event.t) + ' \u00b7 ' + info.name + (event.witness ? ' \u00b7 WITNESS' : '') +
          '\n' + event.label + '\n\n' + event.detail;
      });
    });
    return row;
  }

  // The zoom that shows x range [a, b] (plus fan-out) in room px, within bounds.
  function zoomFor(timeline, a, b, room) {
    var max = PX_PER_MS_MAX / timeline.pxPerMs;
    var zoom = b > a ? room / (b - a) : max;
    return Math.min(Math.max(zoom, 0.05), Math.max(max, 1));
  }

  function swimlanes(run, fits) {
    var box = el('div');
    if (run.timeline === null) { add(box, el('p', 'note', 'The trace was not kept for this run.')); return box; }
    var timeline = run.timeline;
    var legend = add(box, el('div', 'legend'));
    Object.keys(GLYPHS).forEach(function (kind) { add(legend, el('span', 'k-' + kind, GLYPHS[kind] + ' ' + kind)); });
    add(legend, el('span', 'note', 'bars: request in flight (green ok, orange HTTP error, red failed, grey no answer shown); red ring: witness of the violation'));
    var controls = add(box, el('div', 'zoom'));
    var scroller = add(box, el('div', 'timeline'));
    var inner = add(scroller, el('div', 'tl-inner'));
    var detail = el('pre', 'detail', 'Click an event to see it here.');
    var stackMax = 0;
    timeline.events.forEach(function (event) { stackMax = Math.max(stackMax, event.stack || 0); });
    var witnesses = timeline.events.filter(function (event) { return event.witness; });
    var state = { zoom: 1 };
    var scale = el('span', 'note');
    function draw(zoom) {
      state.zoom = zoom;
      var width = Math.round(zoomed(timeline, timeline.width - timeline.pad - stackMax * STACK_PX, zoom) + timeline.pad + stackMax * STACK_PX);
      while (inner.firstChild) inner.removeChild(inner.firstChild);
      inner.style.width = px(LABEL_PX + width);
      add(inner, axis(timeline, zoom, width));
      timeline.lanes.forEach(function (_, index) { add(inner, lane(timeline, index, detail, zoom, width)); });
      timeline.phases.forEach(function (phase) {
        var line = add(inner, el('div', 'phase'));
        line.style.left = px(LABEL_PX + zoomed(timeline, phase.x, zoom));
        add(line, el('span', '', phase.label));
      });
      scale.textContent = ' 100 px = ' + ms(Math.round(100 / (timeline.pxPerMs * zoom))) + ' of virtual time';
    }
    function room() { return Math.max(200, (scroller.clientWidth || 900) - LABEL_PX - 60); }
    function fit(events) {
      if (events.length === 0) { draw(zoomFor(timeline, timeline.pad, timeline.width - timeline.pad, room())); scroller.scrollLeft = 0; return; }
      var xs = events.map(function (event) { return event.x; });
      var a = Math.min.apply(null, xs);
      var b = Math.max.apply(null, xs);
      var fanOut = 0;
      events.forEach(function (event) { fanOut = Math.max(fanOut, event.stack || 0); });
      draw(zoomFor(timeline, a, b, room() - fanOut * STACK_PX));
      scroller.scrollLeft = Math.max(0, zoomed(timeline, a, state.zoom) - 30);
    }
    function button(text, action) {
      var node = add(controls, el('button', 'zoom-button', text));
      node.type = 'button';
      node.addEventListener('click', action);
      return node;
    }
    button('fit violation', function () { fit(witnesses); }).setAttribute('data-zoom', 'witnesses');
    button('fit all', function () { fit([]); }).setAttribute('data-zoom', 'all');
    button('zoom +', function () { var left = scroller.scrollLeft; draw(state.zoom * 2); scroller.scrollLeft = left * 2; }).setAttribute('data-zoom', 'in');
    button('zoom \u2212', function () { var left = scroller.scrollLeft; draw(state.zoom / 2); scroller.scrollLeft = left / 2; }).setAttribute('data-zoom', 'out');
    add(controls, scale);
    draw(1);
    // Fitted once the section is in the page (its width is known then).
    fits.push(function () { fit(witnesses); });
    add(box, detail);
    add(box, eventTable(timeline));
    return box;
  }

  function eventTable(timeline) {
    var details = el('details');
    add(details, el('summary', '', 'Events shown, as a list (' + timeline.events.length + ')'));
    var table = add(details, el('table'));
    var head = add(table, el('tr'));
    ['seq', 'time', 'lane', 'kind', 'event'].forEach(function (name) { add(head, el('th', '', name)); });
    timeline.events.forEach(function (event) {
      var row = add(table, el('tr', event.witness ? 'witness' : ''));
      add(row, el('td', 'mono', event.seq));
      add(row, el('td', 'mono', ms(event.t)));
      add(row, el('td', '', timeline.lanes[event.lane].name));
      add(row, el('td', '', event.kind));
      add(row, el('td', '', event.label));
    });
    return details;
  }

  function stateView(run) {
    var box = el('div');
    if (run.state === null) { add(box, el('p', 'note', 'No final state in the trace (no sim.final event).')); return box; }
    var state = run.state;
    add(box, el('p', 'note', 'Records differing from the server: ' + state.rowsDiffering + ' (highlighted cells).' +
      (state.rowsOmitted > 0 ? ' ' + state.rowsOmitted + ' equal rows not shown.' : '')));
    var table = add(box, el('table', 'state'));
    var head = add(table, el('tr'));
    add(head, el('th', '', 'record'));
    state.columns.forEach(function (column) { add(head, el('th', '', column)); });
    state.rows.forEach(function (row) {
      var line = add(table, el('tr', row.kind));
      add(line, el('td', 'mono', row.kind === 'meta' ? '(' + row.key + ')' : row.key));
      row.cells.forEach(function (cell, index) {
        var classes = (cell === null ? 'absent ' : '') + (row.differs[index] ? 'diff' : '');
        add(line, el('td', classes + ' mono', cell === null ? '\u2014' : cell));
      });
    });
    return box;
  }

  function renderRun(run, index, fits) {
    var section = el('section', 'run');
    section.id = 'run-' + index;
    var title = add(section, el('h2'));
    add(title, el('span', 'status status-' + run.status, run.status));
    add(title, document.createTextNode(' ' + run.name));
    add(section, el('p', '', run.headline));
    add(section, meta(run));
    add(section, el('h3', '', 'Violations'));
    add(section, violations(section, run));
    add(section, el('h3', '', 'Timeline (per device, over virtual time)'));
    add(section, swimlanes(run, fits));
    add(section, el('h3', '', 'Final state: server against each device'));
    add(section, stateView(run));
    return section;
  }

  var fits = [];
  data.runs.forEach(function (run, index) { add(root, renderRun(run, index, fits)); });
  fits.forEach(function (fit) { fit(); });
  if (data.runsOmitted > 0) add(root, el('p', 'note', data.runsOmitted + ' more failing runs are listed above but not drawn.'));
  document.body.setAttribute('data-rendered', 'true');
})();
`;
