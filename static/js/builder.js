// The form builder (documentation templates): htmx swaps only 2xx answers by default, but a
// refused change comes back as 400 with the builder or the form and the reasons to show.
// Inside the builder those answers are swapped too; focus then goes where the reader's next
// step is (the form's first input, or the note saying what happened).
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.closest("[data-builder]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target;
    if (!root.closest || !root.closest("[data-builder]")) { return; }
    if (root.querySelector("[data-error-summary]")) { return; }  // a11y.js focuses the errors
    var first = root.querySelector("[data-builder-form] input:not([type=hidden]), [data-builder-form] select");
    var note = root.querySelector("[data-builder-note]");
    if (first) { first.focus(); } else if (note) { note.focus(); }
  });
})();
