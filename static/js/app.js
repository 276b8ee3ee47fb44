// Roadbook's small amount of client-side behaviour. Everything works without it; it adds
// comfort: the browser's time zone at sign-up, a ticking timer, keyboard shortcuts, and a
// visible message when a request fails instead of nothing happening.
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

  // The study timer's start lives on the server; here it only ticks on screen.
  function formatElapsed(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    if (!minutes) return "less than a minute";
    if (!hours) return rest + " min";
    return rest ? hours + " h " + rest + " min" : hours + " h";
  }

  function tickTimers() {
    document.querySelectorAll("[data-timer-started]").forEach(function (element) {
      var started = Date.parse(element.getAttribute("data-timer-started"));
      if (!isNaN(started)) element.textContent = formatElapsed(Date.now() - started);
    });
  }

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  var shortcuts = {
    "n": function () {
      var field = document.getElementById("quick-add-duration");
      if (field) field.focus();
      else window.location.href = "/entries/new";
    },
    "/": function () {
      var search = document.getElementById("filter-q");
      if (search) search.focus();
      else window.location.href = "/journal#search";
    },
    "t": function () {
      var button = document.querySelector("[data-shortcut-timer]");
      if (button) button.click();
      else window.location.href = "/#timer";
    },
    "?": openShortcuts,
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isTyping(event.target) || document.querySelector("dialog[open]")) return;
    var action = shortcuts[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-open-shortcuts]")) openShortcuts();
  });

  document.addEventListener("DOMContentLoaded", function () {
    detectTimezone(document);
    tickTimers();
    setInterval(tickTimers, 15000);
    if (window.location.hash === "#search") {
      var search = document.getElementById("filter-q");
      if (search) search.focus();
    }
  });
  document.addEventListener("htmx:after:settle", tickTimers);

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
