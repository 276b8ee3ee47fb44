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

  // The study timer's start lives on the server, and the page says how long it had run when
  // it was drawn; the clock goes on from there (the device's own clock may be set wrong).
  function two(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function formatClock(totalSeconds) {
    var seconds = Math.max(0, Math.floor(totalSeconds));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor(seconds / 60) % 60;
    var clock = two(minutes) + ":" + two(seconds % 60);
    return hours ? hours + ":" + clock : clock;
  }

  function tickTimers() {
    document.querySelectorAll("[data-timer-elapsed]").forEach(function (element) {
      if (element.timerBase === undefined) {
        var elapsed = Number(element.getAttribute("data-timer-elapsed"));
        if (isNaN(elapsed)) return;
        element.timerBase = performance.now() - elapsed * 1000;
      }
      element.textContent = formatClock((performance.now() - element.timerBase) / 1000);
    });
  }

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  // Once the dialog closes, focus never stays on a control inside it: the browser gives it
  // back to the opener when there was one, and otherwise the page has it again at once, so
  // the next shortcut works without waiting for the browser to notice.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog.id === "shortcuts" && dialog.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }, true);

  // Addresses come from the page (the journal may be served under a sub-path).
  function url(name) {
    return document.body.getAttribute("data-url-" + name) || "/";
  }

  var shortcuts = {
    "n": function () {
      var field = document.getElementById("quick-add-duration");
      if (field) field.focus();
      else window.location.href = url("new-entry");
    },
    "/": function () {
      var search = document.getElementById("filter-q");
      if (search) search.focus();
      else window.location.href = url("journal") + "#search";
    },
    "t": function () {
      var button = document.querySelector("[data-shortcut-timer]");
      if (button) button.click();
      else window.location.href = url("today") + "#timer";
    },
    "?": openShortcuts,
  };

  // Single-key shortcuts can be turned off (speech input may type them by accident);
  // the choice stays in this browser.
  var SHORTCUTS_KEY = "roadbook-shortcuts";
  function shortcutsOn() {
    try {
      return window.localStorage.getItem(SHORTCUTS_KEY) !== "off";
    } catch (e) {
      return true;
    }
  }
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-shortcuts-toggle]")) return;
    try {
      window.localStorage.setItem(SHORTCUTS_KEY, event.target.checked ? "on" : "off");
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (!shortcutsOn()) return;
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
    document.querySelectorAll("[data-shortcuts-toggle]").forEach(function (box) {
      box.checked = shortcutsOn();
    });
    tickTimers();
    setInterval(tickTimers, 1000);
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
  // A save refused for now (429, 503) comes back as its form, with what was typed and a
  // message, swapped in place. When nothing is swapped (a button, not a form), the
  // server's message is shown here.
  function refusalShownHere(ctx) {
    if (!ctx.hx || ctx.hx.reswap !== "none") return false;
    var page = new DOMParser().parseFromString(ctx.text || "", "text/html");
    showRequestError(page.body.textContent.trim() || "The journal is busy: nothing was saved. Please try again.");
    return true;
  }

  document.addEventListener("htmx:response:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var status = ctx && ctx.response ? ctx.response.status : 0;
    if (status === 429 || status === 503) {
      refusalShownHere(ctx);
    } else if (status >= 500) {
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

// ==== Daily loop: the entry form ====================================================
// The Notes box grows with its text where the browser cannot size it by CSS alone
// (field-sizing); tabbing into a box that still holds the reflection prompts puts the
// cursor where the first answer goes; Ctrl/Cmd+Enter saves the form; Escape cancels an
// inline edit. Without this the form works the same, only with less comfort.
(function () {
  "use strict";

  var SIZES_ITSELF = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");

  function grow(box) {
    if (SIZES_ITSELF || !box.matches(".entry-form textarea")) return;
    if (box.scrollHeight > box.clientHeight) {
      box.style.height = box.scrollHeight + 2 + "px";
    }
  }

  document.addEventListener("input", function (event) {
    grow(event.target);
  });

  // Only while the prompts are untouched: once you have written, the cursor is yours.
  document.addEventListener("focusin", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-prompts]")) return;
    if (box.value !== box.defaultValue || box.selectionStart !== box.selectionEnd) return;
    var first = /^#{1,6}[ \t].*\n/m.exec(box.value);
    if (!first) return;
    var at = first.index + first[0].length;
    box.setSelectionRange(at, at);
  });

  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("form.entry-form");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape" && !event.defaultPrevented) {
      var cancel = form.querySelector("[data-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  });
})();
// ==== end of Daily loop =============================================================
// ==== Menus: the navigation's and each roadmap row's =================================
// A <details data-menu> opens and closes without this. With it, a menu also closes as
// menus do: on a click elsewhere, and on Escape (focus goes back to its button).
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details[data-menu][open]");
  }

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      menu.open = false;
      if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
    });
  });
})();
// ==== end of Menus =================================================================
