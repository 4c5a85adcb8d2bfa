/* E-Planning pages: Leaflet maps over the city's kelurahan outlines (no tiles, no CDN), the forum's drag-or-number
 * ranking, and the inline decision forms of a forum's table.
 *
 * <div class="kc-plan-map" data-mode="pick|points" data-geojson-url="..." [data-points="json-script-id"]
 *      [data-focus="region code"]>
 *   pick   - a click sets #id_lat/#id_lon (the server checks the kelurahan with shapely)
 *   points - markers from the JSON script, coloured by status
 */
(function () {
  "use strict";

  var COLOURS = { diterima: "#2fb344", ditetapkan: "#2fb344", ditolak: "#d63939", belum_disepakati: "#f59f00",
    menunggu: "#206bc4" };
  var AREA = { color: "#0b4f7c", weight: 1, opacity: 0.6, fillColor: "#dbe9f4", fillOpacity: 0.5 };
  var FOCUS = { color: "#0b4f7c", weight: 2, opacity: 0.9, fillColor: "#b6d3ea", fillOpacity: 0.7 };

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function initMap(el) {
    if (!window.L) { return; }
    var map = L.map(el, { zoomControl: true, attributionControl: false });
    var focus = el.dataset.focus || "";
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (gj) {
        var focused = null;
        // Leaflet needs a view before vector layers are added: build the layer, fit, then add.
        var layer = L.geoJSON(gj, {
          style: function (f) {
            var p = f.properties || {};
            var hit = focus && (p.code === focus || p.parent_code === focus);
            return hit ? FOCUS : AREA;
          },
          onEachFeature: function (f, lyr) {
            var p = f.properties || {};
            if (focus && (p.code === focus || p.parent_code === focus)) {
              focused = focused ? focused.extend(lyr.getBounds()) : L.latLngBounds(lyr.getBounds().getSouthWest(),
                lyr.getBounds().getNorthEast());
            }
            lyr.bindTooltip(esc(p.name), { sticky: true });
          }
        });
        var points = [];
        if (el.dataset.points) {
          var script = document.getElementById(el.dataset.points);
          points = script ? JSON.parse(script.textContent) : [];
        }
        var bounds = focused || layer.getBounds();
        if (points.length === 1 && !focus) {
          map.setView([points[0].lat, points[0].lon], 15);
        } else if (bounds && bounds.isValid()) {
          map.fitBounds(bounds, { padding: [8, 8] });
        } else {
          map.setView([0, 0], 2);
        }
        layer.addTo(map);
        points.forEach(function (pt) {
          var m = L.circleMarker([pt.lat, pt.lon], { radius: 7, color: "#fff", weight: 2, fillOpacity: 0.95,
            fillColor: COLOURS[pt.status] || "#206bc4", className: "kc-plan-marker" }).addTo(map);
          m.bindPopup("<strong>" + esc(pt.number) + "</strong><br>" + esc(pt.title) +
            (pt.stage ? "<br>" + esc(pt.stage) + " · " + esc(pt.status_label) : ""));
        });
        if (el.dataset.mode === "pick") { setupPick(el, map); }
      }).catch(function (err) {
        if (window.console) { console.error(err); }
        el.textContent = "Peta tidak dapat dimuat.";
      });
  }

  function setupPick(el, map) {
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var status = document.getElementById("usulan-map-status");
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (status) { status.textContent = "Titik: " + lat.value + ", " + lon.value; }
    }
    if (lat.value && lon.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
    map.on("click", function (e) { place(e.latlng); });
  }

  function renumber(body) {
    var n = 1;
    body.querySelectorAll(".kc-rank-input").forEach(function (input) { input.value = n++; });
  }

  function setupRanks() {
    var body = document.getElementById("rank-body");
    if (!body) { return; }
    var dragging = null;
    body.addEventListener("dragstart", function (e) {
      dragging = e.target.closest(".kc-rank-row");
      if (dragging) { dragging.classList.add("kc-dragging"); e.dataTransfer.effectAllowed = "move"; }
    });
    body.addEventListener("dragend", function () {
      if (dragging) { dragging.classList.remove("kc-dragging"); dragging = null; renumber(body); }
    });
    body.addEventListener("dragover", function (e) {
      var over = e.target.closest(".kc-rank-row[draggable='true']");
      if (!dragging || !over || over === dragging) { return; }
      e.preventDefault();
      var box = over.getBoundingClientRect();
      body.insertBefore(dragging, e.clientY < box.top + box.height / 2 ? over : over.nextSibling);
    });
  }

  function setupDecide() {
    document.querySelectorAll(".kc-decide-btn").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var box = btn.closest(".kc-decide");
        var form = document.createElement("form");
        form.method = "post";
        form.action = box.dataset.action;
        var token = document.querySelector("input[name=csrfmiddlewaretoken]");
        var fields = { csrfmiddlewaretoken: token ? token.value : "", next: window.location.pathname,
          decision: box.querySelector("[data-field=decision]").value,
          reason: box.querySelector("[data-field=reason]").value };
        Object.keys(fields).forEach(function (k) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = k; input.value = fields[k];
          form.appendChild(input);
        });
        document.body.appendChild(form);
        form.submit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".kc-plan-map").forEach(initMap);
    setupRanks();
    setupDecide();
  });
})();
