/* E-parking screens: the points map (coloured by occupancy or by leakage, a toggle) over the city's kecamatan
 * GeoJSON, and the Chart.js charts of the dashboard and the point page.
 *
 * #parking-map carries its URLs in data-* (kecamatan outlines, /parkir/peta.geojson, the point page pattern)
 * and its texts (JS has no gettext here). Markers refresh every 60 seconds.
 * Charts: every <canvas data-kc-chart="<json_script id>"> draws {labels, datasets: [{label, data, type?, color,
 * dashed?}], money?}; the same numbers sit in a visually-hidden table next to each canvas for screen readers.
 */
(function () {
  "use strict";

  var AREA_STYLE = { color: "#0b4f7c", weight: 1, opacity: 0.6, fillColor: "#dbe9f4", fillOpacity: 0.5 };
  var GREEN = "#2fb344", AMBER = "#f59f00", RED = "#d63939", NO_DATA = "#9aa0ac";
  var POLL_MS = 60000;
  var LANG = document.documentElement.lang || "id";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + url); }
      return r.json();
    });
  }

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  // Rp1.250.000 like the `rupiah` template filter (PUEBI: no space, dots for thousands).
  function rupiah(x) {
    if (x == null) { return "–"; }
    var n = Math.round(Number(x));
    return (n < 0 ? "-" : "") + "Rp" + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function pct(x) { return x == null ? "–" : Math.round(x * 100) + "%"; }

  // Bands shared with the legend. Occupancy: the share of spaces taken now. Leakage: the last assessed day's score
  // (leakage.py: the ratio 1 - actual/expected plus 0.15 per other fired indicator, 0-1); 0.3 is the audit flag of
  // iot-traffic-parking §5.4 (L > 30%).
  function occupancyColour(p) {
    if (p.occupancy == null) { return NO_DATA; }
    return p.occupancy < 0.5 ? GREEN : (p.occupancy <= 0.85 ? AMBER : RED);
  }

  function leakageColour(p) {
    if (p.leakage_score == null) { return NO_DATA; }
    return p.leakage_score < 0.1 ? GREEN : (p.leakage_score <= 0.3 ? AMBER : RED);
  }

  function initMap() {
    var el = document.getElementById("parking-map");
    if (!el || typeof L === "undefined" || el.dataset.kcMapReady) { return; }
    el.dataset.kcMapReady = "1";
    var d = el.dataset;
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    map.setView([-2.5, 118], 4);
    var markers = L.layerGroup().addTo(map);
    var features = [];
    var fitted = false;
    var mode = "occupancy";
    var updated = document.getElementById("parking-updated");

    var legend = L.control({ position: "bottomleft" });
    var legendDiv = null;
    legend.onAdd = function () { legendDiv = L.DomUtil.create("div", "kc-legend small"); drawLegend(); return legendDiv; };
    function drawLegend() {
      if (!legendDiv) { return; }
      var rows = mode === "leakage"
        ? [[GREEN, d.textLeakLow], [AMBER, d.textLeakMid], [RED, d.textLeakHigh], [NO_DATA, d.textNodata]]
        : [[GREEN, d.textOccLow], [AMBER, d.textOccMid], [RED, d.textOccHigh], [NO_DATA, d.textNodata]];
      legendDiv.innerHTML = rows.map(function (r) {
        return "<div><i style='background:" + r[0] + "'></i>" + escapeHtml(r[1]) + "</div>";
      }).join("") + "<div><i style='background:#fff;border:2px solid #1d273b'></i>" + escapeHtml(d.textNoneparking) + "</div>";
      legendDiv.setAttribute("data-mode", mode);
    }
    legend.addTo(map);

    function popup(p) {
      var url = d.pointUrl.replace("__code__", encodeURIComponent(p.code));
      var lines = ["<strong>" + escapeHtml(p.name) + "</strong> <span class='text-secondary'>" + escapeHtml(p.code) + "</span>"];
      lines.push(escapeHtml(p.operator) + (p.is_eparking ? " · " + escapeHtml(d.textEparking) : ""));
      lines.push(escapeHtml(d.textOccupancy) + ": " + (p.occupancy == null ? escapeHtml(d.textNodata)
        : p.occupied + "/" + p.total + " (" + pct(p.occupancy) + ")"));
      lines.push(escapeHtml(d.textRevenue) + ": " + rupiah(p.revenue_today) + (p.target ? " / " + escapeHtml(d.textTarget) + " " + rupiah(p.target) : ""));
      if (p.leakage_ratio != null) {
        var day = new Date(p.leakage_day + "T12:00:00").toLocaleDateString(LANG, { day: "numeric", month: "short" });
        lines.push(escapeHtml(d.textLeakage) + ": " + rupiah(p.estimated_loss) + " (" + pct(p.leakage_ratio) + ", " + escapeHtml(day) + ")");
      }
      lines.push("<a href='" + url + "'>" + escapeHtml(d.textOpen) + "</a>");
      return lines.join("<br>");
    }

    function draw() {
      markers.clearLayers();
      features.forEach(function (f) {
        var p = f.properties || {};
        var c = f.geometry && f.geometry.coordinates;
        if (!c) { return; }
        var fill = mode === "leakage" ? leakageColour(p) : occupancyColour(p);
        var m = L.circleMarker([c[1], c[0]], {
          radius: p.is_eparking ? 7 : 6, color: p.is_eparking ? "#fff" : "#1d273b", weight: 1.5,
          fillColor: fill, fillOpacity: 0.92, className: "kc-parking-marker"
        });
        m.bindTooltip(escapeHtml(p.name), { direction: "top" });
        m.bindPopup(popup(p));
        markers.addLayer(m);
      });
      if (!fitted && markers.getLayers().length) {
        fitted = true;
        map.fitBounds(L.featureGroup(markers.getLayers()).getBounds().pad(0.15), { maxZoom: 16 });
      }
    }

    function refreshPoints() {
      return getJSON(d.pointsUrl).then(function (data) {
        features = data.features || [];
        draw();
        if (updated) {
          var now = new Date().toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" });
          updated.textContent = d.textUpdated + ": " + now + " · " + features.length + " " + d.textPoints;
        }
      }).catch(function () { /* keep the last markers */ });
    }

    document.querySelectorAll("#parking-mode input[name=mode]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (!input.checked) { return; }
        mode = input.value;
        drawLegend();
        draw();
      });
    });

    getJSON(d.geojsonUrl).then(function (data) {
      var layer = L.geoJSON(data, {
        style: AREA_STYLE, interactive: true,
        onEachFeature: function (feature, lyr) {
          if (feature.properties && feature.properties.name) {
            lyr.bindTooltip(escapeHtml(feature.properties.name), { sticky: true, opacity: 0.85 });
          }
        }
      }).addTo(map);
      layer.bringToBack();
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
    }).catch(function () { /* markers still show */ }).then(refreshPoints);
    window.setInterval(refreshPoints, POLL_MS);
  }

  function initCharts() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-kc-chart]").forEach(function (canvas) {
      if (Chart.getChart(canvas)) { return; }
      var node = document.getElementById(canvas.dataset.kcChart);
      if (!node) { return; }
      var spec = JSON.parse(node.textContent);
      var datasets = (spec.datasets || []).map(function (s) {
        return {
          type: s.type || spec.type || "bar", label: s.label, data: s.data, borderColor: s.color,
          backgroundColor: s.type === "line" ? s.color : (s.color + "cc"), borderWidth: s.type === "line" ? 2 : 0,
          borderDash: s.dashed ? [5, 4] : [], pointRadius: s.type === "line" ? 0 : undefined, tension: 0.2,
          stepped: s.stepped || false, fill: false, order: s.type === "line" ? 0 : 1
        };
      });
      var money = !!spec.money;
      new Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { ticks: { maxTicksLimit: 10 } },
            y: { beginAtZero: true, max: spec.y_max || undefined,
              ticks: { callback: function (v) { return money ? rupiah(v) : (spec.percent ? v + "%" : v); } } }
          },
          plugins: {
            legend: { position: "bottom", labels: { boxWidth: 12 } },
            tooltip: { callbacks: { label: function (ctx) {
              var v = ctx.parsed.y;
              return ctx.dataset.label + ": " + (money ? rupiah(v) : (spec.percent ? v + "%" : v));
            } } }
          }
        }
      });
    });
  }

  function init() { initMap(); initCharts(); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
