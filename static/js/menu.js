// The account menu is a <details> element: Escape closes it and returns focus to its
// summary, as people expect from a menu. Clicking elsewhere closes it too.
(function () {
  "use strict";
  var menus = document.querySelectorAll(".user-menu details");
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus.forEach(function (menu) {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });
})();

// On a phone the main menu is one row that scrolls sideways, and the current page's entry may
// sit past its right edge. Bring that entry into view, near the middle, by scrolling the row
// only (scrollIntoView could move the page too); the entry keeps aria-current and its place in
// the Tab order.
(function () {
  "use strict";
  var row = document.querySelector(".main-nav ul");
  var current = row && row.querySelector('[aria-current="page"]');
  if (!current || row.scrollWidth <= row.clientWidth) { return; }
  var entry = current.getBoundingClientRect();
  var frame = row.getBoundingClientRect();
  row.scrollLeft += entry.left - frame.left - (row.clientWidth - entry.width) / 2;
})();
