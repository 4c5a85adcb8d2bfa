/* The jukir's payment page: shows the chosen class's tariff on the submit button, blocks a double tap, and scans
 * a subscription sticker's barcode with the camera where the browser has BarcodeDetector (Chrome on Android);
 * elsewhere the barcode is typed. The page works without this script (plain form post). */
(function () {
  "use strict";

  function rupiah(x) {
    var n = Math.round(Number(x));
    return "Rp" + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function init() {
    var form = document.getElementById("payment-form");
    if (!form) { return; }
    var amount = document.getElementById("payment-amount");
    var submit = document.getElementById("payment-submit");

    function showAmount() {
      var chosen = form.querySelector("input[name=vehicle_class]:checked");
      var value = chosen && chosen.dataset.amount;
      amount.textContent = value ? " " + rupiah(value) : "";
    }
    form.querySelectorAll("input[name=vehicle_class]").forEach(function (i) { i.addEventListener("change", showAmount); });
    showAmount();

    form.addEventListener("submit", function () {
      // The reference makes a second post harmless; this only spares the jukir a confusing "already recorded".
      window.setTimeout(function () { submit.disabled = true; }, 0);
    });

    var scan = document.getElementById("sticker-scan");
    var video = document.getElementById("sticker-video");
    var input = form.querySelector("input[name=sticker]");
    if (!scan || !video || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    scan.hidden = false;
    scan.addEventListener("click", function () {
      var detector = new window.BarcodeDetector();
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        var tries = 0;
        var tick = function () {
          tries += 1;
          detector.detect(video).then(function (codes) {
            if (codes.length) { input.value = codes[0].rawValue; stop(); return; }
            if (tries < 150) { window.setTimeout(tick, 200); } else { stop(); }
          }).catch(stop);
        };
        tick();
      }).catch(function () { scan.hidden = true; });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
