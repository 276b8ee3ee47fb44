// Roadbook's small amount of client-side behaviour. Everything works without it;
// it only adds comfort: the browser's time zone at sign-up, focus after htmx swaps,
// and a visible message when a request fails instead of nothing happening.
(function () {
  "use strict";

  function detectTimezone(root) {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    if (!zone) return;
    root.querySelectorAll("[data-detect-timezone]").forEach(function (input) {
      if (!input.value || input.value === "UTC") input.value = zone;
    });
  }

  function showRequestError(message) {
    var box = document.getElementById("request-error");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
    clearTimeout(showRequestError.timer);
    showRequestError.timer = setTimeout(function () { box.hidden = true; }, 8000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    detectTimezone(document);
  });

  // After a swap, put the keyboard where the user wants to be next: the first field
  // that needs correcting, or the duration of a fresh quick-add form.
  document.addEventListener("htmx:after:settle", function () {
    var invalid = document.querySelector("form [aria-invalid=true]");
    if (invalid && invalid.closest("form").contains(document.activeElement) === false) {
      invalid.focus();
    }
  });
  document.addEventListener("htmx:after:swap", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var source = ctx && ctx.sourceElement;
    if (source && source.id === "quick-add" && !document.querySelector("#quick-add [aria-invalid=true]")) {
      var field = document.getElementById("quick-add-duration");
      if (field) field.focus();
    }
  });

  document.addEventListener("htmx:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var status = ctx && ctx.response ? ctx.response.status : 0;
    if (!status) {
      showRequestError("The journal could not be reached. Check your connection and try again.");
    }
  });
  document.addEventListener("htmx:response:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var status = ctx && ctx.response ? ctx.response.status : 0;
    if (status >= 500) {
      showRequestError("Something went wrong on the server. Nothing was half-saved; please try again.");
    } else if (status === 400 || status === 403) {
      showRequestError("This page has expired. Reload it and try again.");
    }
  });
})();
