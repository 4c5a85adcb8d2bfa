/* Kota Cerdas: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // <form data-confirm="Yakin?"> or <button data-confirm="..."> asks before submitting (e.g. closing a complaint).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  // Disable a form's submit buttons after the first submit, so a slow connection does not send a report twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("data-allow-resubmit") || form.hasAttribute("hx-post")) {
      return;
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // A page restored from the back/forward cache must not keep its buttons disabled.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form button[type=submit][disabled]").forEach(function (button) {
        button.disabled = false;
      });
    }
  });

  // htmx errors: tell the person instead of failing silently. Texts come translated from includes/messages.html.
  function showError(kind) {
    var box = document.getElementById("kc-messages");
    if (!box) { return; }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible";
    alert.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.textContent = box.dataset[kind] || box.dataset.errorGeneric || "Error";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", box.dataset.closeLabel || "×");
    alert.appendChild(body);
    alert.appendChild(close);
    box.appendChild(alert);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    showError(status === 403 ? "errorForbidden" : "errorGeneric");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("errorOffline");
  });
})();
