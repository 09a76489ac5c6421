/*
 * Draws the NPS trend with Chart.js (served by this app, never a CDN) from the JSON the page carries
 * in <script type="application/json" id="trend-data">. Without JavaScript the page shows the same
 * trend as an SVG drawn on the server (results/trend-svg.ts) and the numbers in the table under it.
 */
(function () {
  'use strict';
  var source = document.getElementById('trend-data');
  var canvas = document.getElementById('trend-chart');
  if (!source || !canvas || !window.Chart) return;
  var data = JSON.parse(source.textContent || '{}');
  var points = data.points || [];
  if (points.length === 0) return;
  var labels = points.map(function (p) {
    return p.short || p.label;
  });
  var nps = points.map(function (p) {
    return p.n > 0 ? p.nps : null;
  });
  var low = points.map(function (p) {
    return p.low;
  });
  var high = points.map(function (p) {
    return p.high;
  });
  var accent = '#1d4ed8';
  var name = data.name || 'NPS';
  var known = low.concat(high).filter(function (v) {
    return v !== null;
  });
  var axisMin = Math.max(-100, Math.floor((Math.min.apply(null, known.concat([0])) - 10) / 10) * 10);
  var axisMax = Math.min(100, Math.ceil((Math.max.apply(null, known.concat([0])) + 10) / 10) * 10);
  // CSAT %, CES and star means have their own scale (the server sends it; NPS keeps the fitted range).
  if (data.axis && data.axis.min !== -100) {
    axisMin = data.axis.min;
    axisMax = data.axis.max;
  }

  // The server-drawn SVG (shown without scripts) gives way to the interactive chart.
  var fallback = document.getElementById('trend-svg');
  if (fallback) fallback.hidden = true;
  canvas.hidden = false;
  new window.Chart(canvas, {
    type: 'line',
    data: {
      labels: labels,
      datasets: [
        { label: '95% interval (low)', data: low, borderWidth: 0, pointRadius: 0, fill: false, spanGaps: true },
        {
          label: '95% interval',
          data: high,
          borderWidth: 0,
          pointRadius: 0,
          backgroundColor: 'rgba(29, 78, 216, 0.15)',
          fill: '-1',
          spanGaps: true,
        },
        {
          label: name,
          data: nps,
          borderColor: accent,
          backgroundColor: accent,
          borderWidth: 2,
          spanGaps: true,
          // Few responses: hollow points, so nobody reads much into them.
          pointBackgroundColor: points.map(function (p) {
            return p.few ? '#ffffff' : accent;
          }),
          pointRadius: points.map(function (p) {
            return p.n > 0 ? 4 : 0;
          }),
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      // The axis spans the band with some room, within -100..100, so changes are visible but not blown up.
      scales: { y: { min: axisMin, max: axisMax, title: { display: true, text: name } } },
      plugins: {
        legend: {
          labels: {
            filter: function (item) {
              return item.text !== '95% interval (low)';
            },
          },
        },
        tooltip: {
          callbacks: {
            afterLabel: function (ctx) {
              var p = points[ctx.dataIndex];
              return ctx.dataset.label === name
                ? 'n = ' + p.n + (p.few ? ' (few responses)' : '') + '; 95%: ' + p.low + ' to ' + p.high
                : '';
            },
          },
        },
      },
    },
  });
})();
