// The branding page's preview follows the colour and font inputs as they change. The text
// colour and the contrast are worked out as apps/tenants/theme.py does (WCAG 2.1), so what
// the preview says is what the page will accept or refuse.
(function () {
  "use strict";
  var preview = document.querySelector("[data-brand-preview]");
  if (!preview) return;
  var stacksElement = document.getElementById("font-stacks");
  var stacks = stacksElement ? JSON.parse(stacksElement.textContent) : {};
  var white = preview.dataset.white, nearBlack = preview.dataset.nearBlack, aa = parseFloat(preview.dataset.aa);
  var ui = parseFloat(preview.dataset.ui);

  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function floored(ratio) {
    return (Math.floor(ratio * 100) / 100).toFixed(2);
  }
  function update(input) {
    var part = input.dataset.preview;
    if (part === "font") {
      preview.style.setProperty("--pv-font", stacks[input.value] || "");
      return;
    }
    var colour = (input.value || "").toLowerCase();
    if (!/^#[0-9a-f]{6}$/.test(colour)) return;
    var onWhite = contrast(colour, white), onDark = contrast(colour, nearBlack);
    var text = onWhite >= onDark ? white : nearBlack, ratio = Math.max(onWhite, onDark);
    preview.style.setProperty("--pv-" + part, colour);
    preview.style.setProperty("--pv-on-" + part, text);
    var note = preview.querySelector('[data-ratio="' + part + '"]');
    if (note) {
      var ok = ratio >= aa;
      // Floored like the server's message: 4.48 never shows as a passing 4.5.
      var message = (ok ? note.dataset.msgOk : note.dataset.msgBad).replace("{ratio}", floored(ratio));
      // The primary colour's buttons must also stand out on the white page (WCAG 1.4.11, 3:1).
      var onPage = contrast(colour, white);
      if (note.dataset.msgFaint && onPage < ui) {
        ok = false;
        message += " " + note.dataset.msgFaint.replace("{ratio}", floored(onPage));
      }
      note.textContent = message;
      note.classList.toggle("is-refused", !ok);
    }
  }
  document.querySelectorAll("[data-preview]").forEach(function (input) {
    update(input);
    input.addEventListener("input", function () { update(input); });
    input.addEventListener("change", function () { update(input); });
  });
})();
