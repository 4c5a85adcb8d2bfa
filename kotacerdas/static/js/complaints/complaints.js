/* Small behaviours of the complaint pages (no framework). */
(function () {
  "use strict";

  // Invalid input comes back as HTTP 400 with the form and its messages; htmx must swap it in, not drop it.
  // 403 and 404 carry a readable page too.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 400 || status === 403 || status === 404 || status === 409) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
      if (status !== 400) {
        // A whole error page does not belong inside a form slot: show its title as a message instead.
        var doc = new DOMParser().parseFromString(e.detail.xhr.responseText, "text/html");
        var title = (doc.querySelector("h1") || doc.querySelector("title"));
        var box = document.getElementById("kc-messages");
        if (box && title) {
          var div = document.createElement("div");
          div.className = "alert alert-danger";
          div.setAttribute("role", "alert");
          div.textContent = title.textContent.trim();
          box.appendChild(div);
        }
        e.detail.shouldSwap = false;
      }
    }
  });

  // Photo picker: list the chosen files and warn early when there are too many.
  function initPhotos() {
    var input = document.querySelector("#kc-report-form input[type=file][name=photos]");
    var list = document.getElementById("kc-photo-list");
    if (!input || !list) { return; }
    var max = parseInt(list.dataset.max || "5", 10);
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      list.textContent = names.join(", ");
      if (input.files.length > max) {
        list.textContent += " — " + (list.dataset.tooMany || "");
        list.classList.add("text-danger");
      } else {
        list.classList.remove("text-danger");
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initPhotos); } else { initPhotos(); }
})();
