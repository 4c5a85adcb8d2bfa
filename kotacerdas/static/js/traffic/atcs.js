/* ATCS map: intersections coloured by LOS over the city's kecamatan GeoJSON (Leaflet, no tile server).
 *
 * #atcs-map carries its URLs in data-*: the kecamatan outlines, the intersection GeoJSON (/atcs/peta.geojson),
 * the open-alarm panel (htmx partial) and the SSE stream. Every traffic event re-fetches the markers and the
 * alarm panel (debounced); a 60-second poll does the same when the stream is missing or broken.
 */
(function () {
  "use strict";

  var AREA_STYLE = { color: "#0b4f7c", weight: 1, opacity: 0.6, fillColor: "#dbe9f4", fillOpacity: 0.5 };
  // Same bands as traffic/views.py LOS_BAND: A-B green, C-D amber, E-F red, no data grey.
  var LOS_COLOURS = { A: "#2fb344", B: "#2fb344", C: "#f59f00", D: "#f59f00", E: "#d63939", F: "#d63939" };
  var NO_DATA = "#9aa0ac";
  var POLL_MS = 60000;
  var DEBOUNCE_MS = 1000;

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

  function fmt(x, digits) {
    if (x == null) { return "–"; }
    return Number(x).toLocaleString(document.documentElement.lang || "id", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function colour(p) { return (p.has_data && LOS_COLOURS[p.los]) || NO_DATA; }

  function init() {
    var el = document.getElementById("atcs-map");
    if (!el || typeof L === "undefined" || el.dataset.kcMapReady) { return; }
    el.dataset.kcMapReady = "1";
    var d = el.dataset;
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    map.setView([-2.5, 118], 4);
    var markers = L.layerGroup().addTo(map);
    var fitted = false;
    var updated = document.getElementById("atcs-updated");

    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "kc-legend small");
      div.innerHTML = [["#2fb344", d.textLegendAb], ["#f59f00", d.textLegendCd], ["#d63939", d.textLegendEf],
        [NO_DATA, d.textLegendNone]].map(function (r) {
        return "<div><i style='background:" + r[0] + "'></i>" + escapeHtml(r[1]) + "</div>";
      }).join("");
      return div;
    };
    legend.addTo(map);

    function popup(p) {
      var url = d.intersectionUrl.replace("__code__", encodeURIComponent(p.code));
      var lines = ["<strong>" + escapeHtml(p.name) + "</strong> <span class='text-secondary'>" + escapeHtml(p.code) + "</span>"];
      if (p.has_data) {
        lines.push("LOS " + escapeHtml(p.los || "–") + " · " + escapeHtml(d.textDelay) + " " + fmt(p.delay_s, 1) + " det/kend");
        lines.push("DJ " + fmt(p.worst_dj, 2) + " · " + escapeHtml(d.textFlow) + " " + fmt(p.flow_vph, 0) + " kend/jam");
      } else {
        lines.push(escapeHtml(d.textNodata));
      }
      if (p.open_alarms) { lines.push("<span class='text-danger'>" + escapeHtml(d.textAlarms) + ": " + p.open_alarms + "</span>"); }
      lines.push("<a href='" + url + "'>" + escapeHtml(d.textOpen) + "</a>");
      return lines.join("<br>");
    }

    function drawPoints(data) {
      markers.clearLayers();
      var bucket = null;
      (data.features || []).forEach(function (f) {
        var p = f.properties || {};
        var c = f.geometry && f.geometry.coordinates;
        if (!c) { return; }
        bucket = bucket || p.bucket_start;
        var m = L.circleMarker([c[1], c[0]], {
          radius: p.open_alarms ? 9 : 7, color: p.open_alarms ? "#1d273b" : "#fff", weight: p.open_alarms ? 2.5 : 1.5,
          fillColor: colour(p), fillOpacity: 0.92, className: "kc-atcs-marker"
        });
        m.bindTooltip(escapeHtml(p.name) + (p.los ? " · LOS " + escapeHtml(p.los) : ""), { direction: "top" });
        m.bindPopup(popup(p));
        markers.addLayer(m);
      });
      if (!fitted && markers.getLayers().length) {
        // Intersections cluster in the centre: frame them (the city outline stays around them), once only so a
        // refresh never moves the map under the operator.
        fitted = true;
        map.fitBounds(L.featureGroup(markers.getLayers()).getBounds().pad(0.15), { maxZoom: 16 });
      }
      if (updated) {
        var when = bucket ? new Date(bucket) : null;
        var shown = when ? when.toLocaleString(document.documentElement.lang || "id", { hour: "2-digit", minute: "2-digit", day: "numeric", month: "short" }) : "–";
        updated.textContent = d.textBucket + ": " + shown + " · " + (data.features || []).length + " simpang";
      }
    }

    function refreshPoints() {
      return getJSON(d.pointsUrl).then(drawPoints).catch(function () { /* keep the last markers */ });
    }

    function panelBusy() {
      // Do not wipe a clear-reason an operator is typing.
      var active = document.activeElement;
      var panel = document.getElementById("atcs-alarms");
      return panel && active && panel.contains(active) && active.tagName === "INPUT" && active.value;
    }

    function refreshAlarms() {
      if (!d.alarmsUrl || typeof htmx === "undefined" || panelBusy()) { return; }
      htmx.ajax("GET", d.alarmsUrl, { target: "#atcs-alarms", swap: "innerHTML" });
    }

    function refreshAll() { refreshPoints(); refreshAlarms(); }

    var timer = null;
    function soon() {
      if (timer) { return; }
      timer = window.setTimeout(function () { timer = null; refreshAll(); }, DEBOUNCE_MS);
    }

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

    // Live updates; EventSource reconnects by itself (sending Last-Event-ID) when the server ends the stream.
    var live = document.getElementById("atcs-live");
    if (d.streamUrl && "EventSource" in window) {
      var sep = d.streamUrl.indexOf("?") === -1 ? "?" : "&";
      var source = new EventSource(d.streamUrl + sep + "topics=traffic");
      source.onmessage = soon;
      source.onopen = function () { if (live) { live.textContent = live.dataset.textLive; live.classList.add("text-green"); } };
      source.onerror = function () { if (live) { live.textContent = live.dataset.textPoll; live.classList.remove("text-green"); } };
      window.addEventListener("pagehide", function () { source.close(); });
    }
    window.setInterval(refreshAll, POLL_MS);
    // htmx actions on the panel change alarm counts on the markers too.
    document.body.addEventListener("htmx:afterRequest", function (e) {
      var cfg = e.detail && e.detail.requestConfig;
      if (cfg && cfg.verb === "post" && e.detail.successful) { refreshPoints(); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
