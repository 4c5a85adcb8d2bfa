/* Intersection page: 24-hour Chart.js line charts of flow, speed and DJ per approach from #atcs-chart-data
 * (selectors.intersection_series(...).as_chart_data()). The same numbers sit in a visually-hidden table under
 * each canvas for screen readers. */
(function () {
  "use strict";

  var PALETTE = ["#206bc4", "#d63939", "#2fb344", "#f59f00", "#ae3ec9", "#17a2b8", "#868e96", "#f76707"];

  function label(iso) {
    var t = new Date(iso);
    return t.toLocaleTimeString(document.documentElement.lang || "id", { hour: "2-digit", minute: "2-digit" });
  }

  // Lines hide their points; a value with no neighbour (a lone bucket between gaps) would then be invisible.
  function isolated(ctx) {
    var values = ctx.dataset.data, i = ctx.dataIndex;
    if (values[i] == null) { return 0; }
    return (i > 0 && values[i - 1] != null) || (i < values.length - 1 && values[i + 1] != null) ? 0 : 3;
  }

  function init() {
    var node = document.getElementById("atcs-chart-data");
    if (!node || typeof Chart === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var labels = data.labels.map(label);
    document.querySelectorAll("canvas[data-series]").forEach(function (canvas) {
      if (Chart.getChart(canvas)) { return; }
      var key = canvas.dataset.series;
      var datasets = data.approaches.map(function (a, i) {
        return {
          label: a.label || a.name, data: a[key], borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length], borderWidth: 2, pointRadius: isolated, tension: 0.25, spanGaps: false
        };
      });
      var options = {
        responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
        scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
      };
      if (key === "dj") {
        // DJ bands (hijau ≤ 0,75 < kuning ≤ 0,85 < merah) drawn as dashed reference lines.
        [[0.75, "#f59f00"], [0.85, "#d63939"]].forEach(function (ref) {
          datasets.push({ label: "DJ " + String(ref[0]).replace(".", ","), data: labels.map(function () { return ref[0]; }),
            borderColor: ref[1], borderDash: [4, 4], borderWidth: 1, pointRadius: 0, fill: false });
        });
      }
      new Chart(canvas, { type: "line", data: { labels: labels, datasets: datasets }, options: options });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
