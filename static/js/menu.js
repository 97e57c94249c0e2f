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
