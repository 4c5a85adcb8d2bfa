// Dataset page: a bar chart of the summarised rows (Chart.js) and, for spatial data, a Leaflet map over the city's
// region outlines (no tiles, as every map of the platform).
(function () {
  "use strict";

  function chart() {
    const canvas = document.getElementById("dataset-chart");
    const source = document.getElementById("dataset-chart-data");
    if (!canvas || !source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.label, data: data.data, backgroundColor: "#206bc4" }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true } } },
    });
  }

  function popup(properties) {
    const div = document.createElement("div");
    Object.keys(properties || {}).forEach(function (key) {
      const line = document.createElement("div");
      const name = document.createElement("strong");
      name.textContent = key + ": ";
      line.appendChild(name);
      line.appendChild(document.createTextNode(String(properties[key])));
      div.appendChild(line);
    });
    return div;
  }

  function map() {
    const el = document.getElementById("dataset-map");
    if (!el || !window.L) return;
    const L = window.L;
    const m = L.map(el, { zoomSnap: 0.25, attributionControl: false });
    const bounds = L.latLngBounds([]);
    fetch(el.dataset.basemapUrl).then(function (r) { return r.ok ? r.json() : null; }).then(function (base) {
      if (base) {
        const layer = L.geoJSON(base, { style: { color: "#8aa1b8", weight: 1, fillColor: "#f4f7fb", fillOpacity: 0.6 },
                                        interactive: false }).addTo(m);
        if (layer.getBounds().isValid()) bounds.extend(layer.getBounds());
      }
      return fetch(el.dataset.geojsonUrl);
    }).then(function (r) { return r.json(); }).then(function (data) {
      // Shade by the first numeric property (e.g. jumlah, kendaraan, pendapatan): darker = more.
      const first = (data.features || []).find(function (f) { return f.properties; });
      const key = first && Object.keys(first.properties).find(function (k) {
        return typeof first.properties[k] === "number";
      });
      const max = key ? Math.max.apply(null, data.features.map(function (f) { return f.properties[key] || 0; })) : 0;
      const share = function (f) { return key && max > 0 ? (f.properties[key] || 0) / max : 0.5; };
      const layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#1a4f8b", weight: 1, fillColor: "#206bc4", fillOpacity: 0.1 + 0.75 * share(f) };
        },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 4 + 8 * share(feature), color: "#fff", weight: 1,
                                          fillColor: "#d63939", fillOpacity: 0.85 });
        },
        onEachFeature: function (feature, lyr) { lyr.bindPopup(popup(feature.properties)); },
      }).addTo(m);
      if (layer.getBounds().isValid()) bounds.extend(layer.getBounds());
      if (bounds.isValid()) m.fitBounds(bounds, { padding: [10, 10] }); else m.setView([0, 110], 4);
    }).catch(function () { m.setView([0, 110], 4); });
  }

  document.addEventListener("DOMContentLoaded", function () { chart(); map(); });
})();
