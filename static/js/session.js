// Idle sign-out warning. The server ends idle sessions by itself (SessionSecurityMiddleware);
// this only warns a minute before and lets the person stay, without inline script (CSP).
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!idle) { return; }
  var warning = document.getElementById("session-warning");
  var stay = document.getElementById("session-stay");
  var warnTimer, endTimer;

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    warnTimer = setTimeout(function () { warning.hidden = false; stay.focus(); }, Math.max(idle - 60, 1) * 1000);
    endTimer = setTimeout(function () {
      window.location.href = body.dataset.signinUrl + "?next=" + encodeURIComponent(window.location.pathname);
    }, idle * 1000);
  }
  stay.addEventListener("click", function () {
    fetch(body.dataset.keepaliveUrl, {method: "POST", headers: {"X-CSRFToken": csrfToken()}, credentials: "same-origin"})
      .then(function (response) {
        if (response.ok) { warning.hidden = true; schedule(); }
        else { window.location.href = body.dataset.signinUrl; }
      });
  });
  document.addEventListener("htmx:afterRequest", schedule);
  schedule();
})();
