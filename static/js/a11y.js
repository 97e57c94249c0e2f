// Page-wide accessibility helpers, in a file because the CSP allows no inline script.
(function () {
  "use strict";

  // After a failed submit, keyboard and screen-reader users land on the list of what to fix
  // instead of at the top of a page that looks unchanged.
  function focusErrorSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // A table wider than the screen scrolls inside its frame; without a tab stop a keyboard
  // user cannot scroll it. Only frames that actually overflow get one, so wide screens keep
  // their tab order unchanged.
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var section = wrap.closest("section, article, main");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : document.title;
  }
  function markScrollableTables(root) {
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) { wrap.setAttribute("aria-label", nameOf(wrap)); }
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    markScrollableTables(document);
  });
  window.addEventListener("resize", function () { markScrollableTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.target);
    markScrollableTables(document);
  });
})();
