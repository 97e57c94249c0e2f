// Clock in/out: forms marked data-clock get the device's position (one high-accuracy fix,
// at most ten seconds) in their hidden latitude/longitude/accuracy inputs before they are
// sent. Without a position (refused, unavailable, too slow) the form is sent anyway: the
// server records the clock event as an exception and asks for a reason.
(function () {
  "use strict";

  function fill(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (input) { input.value = value; }
  }

  function send(form) {
    form.dataset.sending = "1";
    form.submit();
  }

  // Back from the next page (the browser's page cache): the button works again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-clock]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    });
  });

  document.querySelectorAll("form[data-clock]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      // A form shown again for a reason already carries the position taken the first time.
      if (form.dataset.located === "1" || form.dataset.sending === "1") { return; }
      event.preventDefault();
      var status = form.querySelector("[data-clock-status]");
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (button) { button.disabled = true; });
      if (status) { status.textContent = form.dataset.locating || ""; }
      if (!("geolocation" in navigator)) { send(form); return; }
      navigator.geolocation.getCurrentPosition(
        function (position) {
          fill(form, "latitude", position.coords.latitude.toFixed(6));
          fill(form, "longitude", position.coords.longitude.toFixed(6));
          fill(form, "accuracy", Math.round(position.coords.accuracy * 10) / 10);
          send(form);
        },
        function () {
          fill(form, "latitude", "");
          fill(form, "longitude", "");
          fill(form, "accuracy", "");
          send(form);
        },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 0 }
      );
    });
  });
})();
