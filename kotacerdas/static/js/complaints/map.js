/* Complaint maps: Leaflet over the city's own kecamatan/kelurahan GeoJSON (no tile server, no CDN).
 *
 * <div data-kc-map="pick|pin|points" data-geojson-url=".../kelurahan.geojson" ...>
 *   pick   - report form: a click sets the hidden #id_lat/#id_lon and shows the kelurahan of the pin
 *   pin    - one read-only pin at data-lat/data-lon (tracking and case pages)
 *   points - public complaint points from data-points-url (GeoJSON of Point features)
 */
(function () {
  "use strict";

  var AREA_STYLE = { color: "#0b4f7c", weight: 1, opacity: 0.7, fillColor: "#dbe9f4", fillOpacity: 0.55 };
  var AREA_HOVER = { fillColor: "#b6d3ea", fillOpacity: 0.75 };
  var STATUS_COLOURS = {
    baru: "#206bc4", tunda: "#f59f00", disposisi: "#4299e1", diproses: "#4263eb", selesai: "#0ca678",
    tuntas: "#2fb344", tidak_tuntas: "#f76707", bukan_wewenang: "#868e96", digabung: "#ae3ec9"
  };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + url); }
      return r.json();
    });
  }

  // Ray casting over one ring of [lon, lat] pairs.
  function inRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }

  function inPolygon(lon, lat, rings) {
    if (!inRing(lon, lat, rings[0])) { return false; }
    for (var k = 1; k < rings.length; k++) { if (inRing(lon, lat, rings[k])) { return false; } }
    return true;
  }

  function featureAt(geojson, latlng) {
    var features = (geojson && geojson.features) || [];
    for (var i = 0; i < features.length; i++) {
      var g = features[i].geometry;
      if (!g) { continue; }
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      for (var p = 0; p < polys.length; p++) {
        if (inPolygon(latlng.lng, latlng.lat, polys[p])) { return features[i]; }
      }
    }
    return null;
  }

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function baseMap(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: el.dataset.kcMap !== "pin" });
    map.setView([-2.5, 118], 4); // Indonesia until the city's outline arrives
    return map;
  }

  function drawAreas(map, el) {
    var url = el.dataset.geojsonUrl;
    if (!url || url === "#") { return Promise.resolve(null); }
    return getJSON(url).then(function (data) {
      var layer = L.geoJSON(data, {
        style: AREA_STYLE,
        onEachFeature: function (feature, lyr) {
          if (feature.properties && feature.properties.name) {
            lyr.bindTooltip(escapeHtml(feature.properties.name), { sticky: true, direction: "top", opacity: 0.85 });
          }
          lyr.on("mouseover", function () { lyr.setStyle(AREA_HOVER); });
          lyr.on("mouseout", function () { layer.resetStyle(lyr); });
        }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
      return data;
    }).catch(function () { return null; });
  }

  function initPick(el) {
    var map = baseMap(el);
    var latInput = document.getElementById("id_lat");
    var lonInput = document.getElementById("id_lon");
    var label = document.getElementById("kc-pin-label");
    var marker = null;
    var areas = null;

    function describe(latlng) {
      if (!areas) { return latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5); }
      var f = featureAt(areas, latlng);
      return f ? f.properties.name : (el.dataset.outsideText || "?");
    }

    function setPin(latlng, pan) {
      if (!marker) { marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map); marker.on("dragend", function () { setPin(marker.getLatLng(), false); }); }
      else { marker.setLatLng(latlng); }
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      if (label) { label.textContent = describe(latlng); }
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 15)); }
      document.body.dispatchEvent(new CustomEvent("kc:pin", { bubbles: true }));
    }

    function clearPin() {
      if (marker) { map.removeLayer(marker); marker = null; }
      latInput.value = ""; lonInput.value = "";
      if (label) { label.textContent = label.dataset.empty || ""; }
      document.body.dispatchEvent(new CustomEvent("kc:pin", { bubbles: true }));
    }

    drawAreas(map, el).then(function (data) {
      areas = data;
      var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
      if (!isNaN(lat) && !isNaN(lon)) { setPin(L.latLng(lat, lon), true); }
    });
    map.on("click", function (e) { setPin(e.latlng, false); });

    var geo = document.querySelector("[data-kc-geolocate]");
    if (geo) {
      if (!("geolocation" in navigator)) { geo.hidden = true; }
      geo.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          setPin(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
        }, function () { window.alert(geo.dataset.errorText || "GPS"); }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
    var clear = document.querySelector("[data-kc-clear-pin]");
    if (clear) { clear.addEventListener("click", clearPin); }
  }

  function initPin(el) {
    var map = baseMap(el);
    var latlng = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
    drawAreas(map, el).then(function () {
      L.marker(latlng, { keyboard: false }).addTo(map);
      map.setView(latlng, 15);
    });
  }

  function initPoints(el) {
    var map = baseMap(el);
    drawAreas(map, el).then(function () {
      if (!el.dataset.pointsUrl) { return; }
      return getJSON(el.dataset.pointsUrl).then(function (data) {
        var openText = el.dataset.openText || "";
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var colour = STATUS_COLOURS[feature.properties.status] || "#206bc4";
            return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.9 });
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties;
            lyr.bindPopup(
              "<strong>" + escapeHtml(p.title) + "</strong><br>" +
              "<span class='text-secondary'>" + escapeHtml(p.no) + " · " + escapeHtml(p.category) + "</span><br>" +
              escapeHtml(p.status_label) + (p.kelurahan ? " · " + escapeHtml(p.kelurahan) : "") + "<br>" +
              "<a href='" + encodeURI(p.url) + "'>" + escapeHtml(openText) + "</a>"
            );
          }
        }).addTo(map);
      });
    }).catch(function () { /* the list beside the map still works */ });
  }

  function init() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-kc-map]").forEach(function (el) {
      if (el.dataset.kcMapReady) { return; }
      el.dataset.kcMapReady = "1";
      var kind = el.dataset.kcMap;
      if (kind === "pick") { initPick(el); }
      else if (kind === "pin") { initPin(el); }
      else if (kind === "points") { initPoints(el); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
