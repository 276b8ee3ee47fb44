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

// ==== Insights: the calendar heatmap ===============================================
// Without this the calendar still works: each day has a tooltip and the table lists them.
// With it, pointing at or focusing a day writes its hours under the calendar, and the
// arrow keys move between days (one tab stop for the whole calendar).
(function () {
  "use strict";

  function cellOf(node) {
    return node && node.closest ? node.closest("[data-heatmap] [data-day]") : null;
  }

  function describe(cell) {
    var figure = cell.closest("figure");
    var detail = figure && figure.querySelector("[data-heatmap-detail]");
    var title = cell.querySelector("title");
    if (detail && title) detail.textContent = title.textContent;
  }

  document.addEventListener("mouseover", function (event) {
    var cell = cellOf(event.target);
    if (cell) describe(cell);
  });
  document.addEventListener("focusin", function (event) {
    var cell = cellOf(event.target);
    if (cell) describe(cell);
  });

  // Cells come in date order: one step is a day (up/down), seven a week (left/right).
  var MOVES = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7 };
  document.addEventListener("keydown", function (event) {
    var cell = cellOf(event.target);
    if (!cell) return;
    var cells = Array.prototype.slice.call(cell.closest("[data-heatmap]").querySelectorAll("[data-day]"));
    var index = cells.indexOf(cell);
    var next;
    if (event.key in MOVES) next = cells[index + MOVES[event.key]];
    else if (event.key === "Home") next = cells[0];
    else if (event.key === "End") next = cells[cells.length - 1];
    else return;
    event.preventDefault();
    if (!next) return;
    cell.setAttribute("tabindex", "-1");
    next.setAttribute("tabindex", "0");
    next.focus();
  });
})();
// ==== end of Insights ==============================================================
