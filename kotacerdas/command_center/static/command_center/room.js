/* Command Center live room (desktop page and wall): one Leaflet map with toggleable layers, tiles and a feed,
 * kept live without a reload.
 *
 * #cc-map carries every URL and label in data-*. The basemap is the kecamatan GeoJSON (plus an XYZ tile layer
 * when COMMAND_CENTER_TILE_URL is set). Layers: complaints clustered on the server by grid cell (re-read when the
 * view moves), intersections by LOS, parking points by occupancy (else leakage), open alarms.
 * Every event on the SSE stream re-fetches the tiles and feed fragments and the layers, debounced; a 60-second
 * poll does the same when the stream is missing or broken. EventSource reconnects by itself with Last-Event-ID.
 */
(function () {
  "use strict";

  var BAND_COLOURS = ["#2fb344", "#f5b800", "#f76707", "#d63939"];
  var BAND_NAMES = { tepat: 0, perhatian: 1, kritis: 2, lewat: 3 };
  var LOS_COLOURS = { A: "#2fb344", B: "#2fb344", C: "#f59f00", D: "#f59f00", E: "#d63939", F: "#d63939" };
  var NO_DATA = "#9aa0ac";
  var POLL_MS = 60000;
  var DEBOUNCE_MS = 800;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + url); }
      return r.json();
    });
  }

  function getHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + url); }
      return r.text();
    });
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function pct(x) { return x == null ? "–" : Math.round(x * 100) + "%"; }

  function occupancyColour(p) {
    var v = p.occupancy != null ? p.occupancy : null;
    if (v != null) { return v >= 0.85 ? "#d63939" : v >= 0.6 ? "#f59f00" : "#2fb344"; }
    var r = p.leakage_ratio;
    if (r != null) { return r >= 0.3 ? "#d63939" : r >= 0.1 ? "#f59f00" : "#2fb344"; }
    return NO_DATA;
  }

  function init() {
    var el = document.getElementById("cc-map");
    if (!el || typeof L === "undefined" || el.dataset.kcMapReady) { return; }
    el.dataset.kcMapReady = "1";
    var d = el.dataset;
    var wall = d.wall === "1";
    var map = L.map(el, { attributionControl: !!d.tileUrl, zoomSnap: 0.25, zoomControl: !wall });
    map.setView([-2.5, 118], 5);
    if (d.tileUrl) { L.tileLayer(d.tileUrl, { maxZoom: 19 }).addTo(map); }

    // Intersections and alarms sit above the complaint dots and clusters (which are redrawn after every event
    // and would otherwise cover them), below tooltips and popups.
    map.createPane("kc-intersections").style.zIndex = 615;
    map.createPane("kc-alarms").style.zIndex = 625;
    var layers = { complaints: L.layerGroup().addTo(map) };
    var overlays = {};
    overlays[esc(d.textComplaints)] = layers.complaints;
    if (d.intersectionsUrl) {
      layers.intersections = L.layerGroup().addTo(map);
      overlays[esc(d.textIntersections)] = layers.intersections;
    }
    if (d.parkingUrl) {
      layers.parking = L.layerGroup().addTo(map);
      overlays[esc(d.textParking)] = layers.parking;
    }
    if (d.alarmsUrl) {
      layers.alarms = L.layerGroup().addTo(map);
      overlays[esc(d.textAlarms)] = layers.alarms;
    }
    L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);

    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "kc-cc-legend");
      var rows = [0, 1, 2, 3].map(function (b) {
        return "<div><i style='background:" + BAND_COLOURS[b] + "'></i>" + esc(d["textBand-" + b] || d["textBand" + b]) + "</div>";
      });
      if (d.intersectionsUrl) {
        rows.push("<div><i style='background:#fff;border:2px solid #1d273b'></i>" + esc(d.textLegendIntersection) + "</div>");
      }
      if (d.parkingUrl) { rows.push("<div><b class='kc-cc-legend-p'>P</b>" + esc(d.textLegendParking) + "</div>"); }
      div.innerHTML = rows.join("");
      return div;
    };
    legend.addTo(map);

    // --- layers ---------------------------------------------------------------------------------------------
    var loading = {};
    function once(key, fn) {
      // One request per layer at a time; a refresh asked for meanwhile runs after it.
      if (loading[key]) { loading[key] = "again"; return; }
      loading[key] = true;
      fn().catch(function () { /* keep what is drawn */ }).then(function () {
        var again = loading[key] === "again";
        loading[key] = false;
        if (again) { once(key, fn); }
      });
    }

    function complaintMarker(f) {
      var p = f.properties, c = f.geometry.coordinates, ll = [c[1], c[0]];
      var colour = BAND_COLOURS[BAND_NAMES[p.band] || 0];
      if (p.n > 1) {
        var size = Math.min(54, 22 + Math.round(Math.log(p.n) * 6));
        var m = L.marker(ll, { icon: L.divIcon({ className: "", iconSize: [size, size],
          html: "<div class='kc-cc-cluster' style='width:" + size + "px;height:" + size + "px;background:" + colour + "'>" + p.n + "</div>" }),
          title: p.n + " " + d.textCases });
        m.bindTooltip(p.n + " " + esc(d.textCases) + " · " + esc(d.textZoom));
        m.on("click", function () { map.setView(ll, Math.min(map.getZoom() + 2, 19)); });
        return m;
      }
      var dot = L.circleMarker(ll, { radius: wall ? 8 : 7, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.95,
        className: "kc-cc-complaint" });
      if (p.url) {
        dot.bindPopup("<strong>" + esc(p.tracking_no) + "</strong><br>" + esc(p.title) + "<br><span class='text-secondary'>" +
          esc([p.category, p.kecamatan].filter(Boolean).join(" · ")) + "</span><br><a href='" + esc(p.url) + "'>" + esc(d.textOpenCase) + "</a>");
        dot.bindTooltip(esc(p.tracking_no));
      }
      return dot;
    }

    function loadComplaints() {
      var b = map.getBounds();
      var bbox = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (x) { return x.toFixed(5); });
      bbox = [Math.max(-90, bbox[0]), Math.max(-180, bbox[1]), Math.min(90, bbox[2]), Math.min(180, bbox[3])].join(",");
      var sep = d.complaintsUrl.indexOf("?") === -1 ? "?" : "&";
      return getJSON(d.complaintsUrl + sep + "zoom=" + Math.round(map.getZoom()) + "&bbox=" + bbox).then(function (data) {
        layers.complaints.clearLayers();
        (data.features || []).forEach(function (f) { layers.complaints.addLayer(complaintMarker(f)); });
        el.dataset.complaintCount = String((data.features || []).reduce(function (s, f) { return s + f.properties.n; }, 0));
      });
    }

    function loadIntersections() {
      return getJSON(d.intersectionsUrl).then(function (data) {
        layers.intersections.clearLayers();
        (data.features || []).forEach(function (f) {
          var p = f.properties, c = f.geometry.coordinates;
          var m = L.circleMarker([c[1], c[0]], { radius: wall ? 7 : 6, color: wall ? "#e6edf5" : "#1d273b", weight: 2,
            fillColor: (p.has_data && LOS_COLOURS[p.los]) || NO_DATA, fillOpacity: 0.9, pane: "kc-intersections" });
          m.bindTooltip(esc(p.name) + (p.los ? " · LOS " + esc(p.los) : ""));
          m.bindPopup("<strong>" + esc(p.name) + "</strong> <span class='text-secondary'>" + esc(p.code) + "</span><br>LOS " +
            esc(p.los || "–") + "<br><a href='" + esc(p.url) + "'>" + esc(d.textOpenIntersection) + "</a>");
          layers.intersections.addLayer(m);
        });
      });
    }

    function loadParking() {
      return getJSON(d.parkingUrl).then(function (data) {
        layers.parking.clearLayers();
        (data.features || []).forEach(function (f) {
          var p = f.properties, c = f.geometry.coordinates, s = wall ? 18 : 16;
          var m = L.marker([c[1], c[0]], { icon: L.divIcon({ className: "", iconSize: [s, s],
            html: "<div class='kc-cc-parking' style='width:" + s + "px;height:" + s + "px;background:" + occupancyColour(p) + "'>P</div>" }) });
          m.bindTooltip(esc(p.name));
          m.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc(d.textOccupancy) + ": " + pct(p.occupancy) +
            "<br>" + esc(d.textLeakage) + ": " + pct(p.leakage_ratio) + "<br><a href='" + esc(p.url) + "'>" + esc(d.textOpenPoint) + "</a>");
          layers.parking.addLayer(m);
        });
      });
    }

    function loadAlarms() {
      return getJSON(d.alarmsUrl).then(function (data) {
        layers.alarms.clearLayers();
        (data.features || []).forEach(function (f) {
          var p = f.properties, c = f.geometry.coordinates, s = wall ? 24 : 20;
          var m = L.marker([c[1], c[0]], { pane: "kc-alarms", icon: L.divIcon({ className: "", iconSize: [s, s],
            html: "<div class='kc-cc-alarm' style='width:" + s + "px;height:" + s + "px'>!</div>" }) });
          m.bindTooltip(esc(p.intersection));
          m.bindPopup("<strong>" + esc(p.intersection) + "</strong><br>" + esc(p.kind) + "<br><a href='" + esc(p.url) + "'>" +
            esc(d.textOpenIntersection) + "</a>");
          layers.alarms.addLayer(m);
        });
      });
    }

    function refreshLayers(which) {
      if (!which || which.complaints) { once("complaints", loadComplaints); }
      if (layers.intersections && (!which || which.traffic)) { once("intersections", loadIntersections); once("alarms", loadAlarms); }
      if (layers.parking && (!which || which.parking)) { once("parking", loadParking); }
    }

    // --- tiles and feed -------------------------------------------------------------------------------------
    var seen = {};
    document.querySelectorAll("#cc-feed [data-event-id]").forEach(function (li) { seen[li.dataset.eventId] = true; });

    // The newest event seen goes with each fragment request: the viewers refetching after the same event share
    // the server's computation of it.
    function seenUrl(url) {
      return lastEvent ? url + (url.indexOf("?") === -1 ? "?" : "&") + "e=" + lastEvent : url;
    }

    function refreshFragments() {
      var tiles = document.getElementById("cc-tiles");
      var feed = document.getElementById("cc-feed");
      if (tiles && d.tilesUrl) {
        once("tiles", function () { return getHTML(seenUrl(d.tilesUrl)).then(function (html) { tiles.innerHTML = html; }); });
      }
      if (feed && d.feedUrl) {
        once("feed", function () {
          return getHTML(seenUrl(d.feedUrl)).then(function (html) {
            feed.innerHTML = html;
            feed.querySelectorAll("[data-event-id]").forEach(function (li) {
              if (!seen[li.dataset.eventId]) { seen[li.dataset.eventId] = true; li.classList.add("kc-cc-fresh"); }
            });
          });
        });
      }
    }

    var pending = null, timer = null, lastEvent = "";
    function soon(which) {
      pending = pending || {};
      Object.keys(which || { complaints: 1, traffic: 1, parking: 1 }).forEach(function (k) { pending[k] = true; });
      if (timer) { return; }
      timer = window.setTimeout(function () {
        var w = pending;
        timer = null; pending = null;
        refreshFragments();
        refreshLayers(w);
      }, DEBOUNCE_MS);
    }

    function refreshAll() { refreshFragments(); refreshLayers(null); }

    // --- start ----------------------------------------------------------------------------------------------
    var dark = wall;
    getJSON(d.regionsUrl).then(function (data) {
      var area = L.geoJSON(data, {
        style: dark ? { color: "#4d6a91", weight: 1, opacity: 0.9, fillColor: "#16233d", fillOpacity: 0.9 }
                    : { color: "#0b4f7c", weight: 1, opacity: 0.6, fillColor: "#dbe9f4", fillOpacity: 0.5 },
        onEachFeature: function (feature, lyr) {
          if (feature.properties && feature.properties.name) { lyr.bindTooltip(esc(feature.properties.name), { sticky: true, opacity: 0.85 }); }
        }
      }).addTo(map);
      area.bringToBack();
      if (area.getLayers().length) { map.fitBounds(area.getBounds(), { padding: [8, 8] }); }
    }).catch(function () { /* markers still show */ }).then(function () {
      // Frame what is on the map (points sit in the built-up centre, the outline spans the whole city), once
      // only, so a refresh never moves the map under the people watching it.
      var first = [];
      if (layers.intersections) { first.push(loadIntersections()); }
      if (layers.parking) { first.push(loadParking()); }
      Promise.all(first).catch(function () { return null; }).then(function () {
        var drawn = [];
        ["intersections", "parking"].forEach(function (k) { if (layers[k]) { drawn = drawn.concat(layers[k].getLayers()); } });
        if (drawn.length) { map.fitBounds(L.featureGroup(drawn).getBounds().pad(0.25), { maxZoom: 15, animate: false }); }
        refreshLayers({ complaints: 1 });
        if (layers.alarms) { once("alarms", loadAlarms); }
        map.on("moveend", function () { once("complaints", loadComplaints); });
      });
    });

    var live = document.getElementById("cc-live");
    if (d.streamUrl && "EventSource" in window) {
      var source = new EventSource(d.streamUrl);
      source.onmessage = function (e) {
        if (/^[0-9]+$/.test(e.lastEventId || "")) { lastEvent = e.lastEventId; }
        var topic = "";
        try { topic = JSON.parse(e.data).topic || ""; } catch (err) { topic = ""; }
        var which = {};
        if (topic.indexOf("complaint") === 0) { which.complaints = 1; }
        else if (topic.indexOf("traffic") === 0) { which.traffic = 1; }
        else if (topic.indexOf("parking") === 0) { which.parking = 1; }
        soon(Object.keys(which).length ? which : null);
      };
      var opened = 0;
      source.onopen = function () {
        opened = Date.now();
        if (live) { live.textContent = d.textLive; live.classList.add("text-green"); }
      };
      // The server ends every stream after a while and the browser reconnects 3 s later: only a stream that
      // stays away longer than that means "not live".
      source.onerror = function () {
        var at = Date.now();
        window.setTimeout(function () {
          if (live && opened < at) { live.textContent = d.textPoll; live.classList.remove("text-green"); }
        }, 8000);
      };
      window.addEventListener("pagehide", function () { source.close(); });
    }
    window.setInterval(refreshAll, POLL_MS);

    var clock = document.getElementById("cc-clock");
    if (clock) {
      window.setInterval(function () {
        clock.textContent = new Date().toLocaleTimeString(document.documentElement.lang || "id", { hour: "2-digit", minute: "2-digit" });
      }, 10000);
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
