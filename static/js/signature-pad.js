/* The signature pad: draw on a <canvas> with a mouse, a finger or a pen (Pointer Events);
   at the end of every stroke the drawing is written as a PNG data URL into the form's hidden
   "…-drawn" input, which the server checks and stores. No library, no inline script (CSP).

   Markup: templates/documentation/partials/_signature_pad.html. Several pads on one page
   work independently. Keyboard users sign with the typed name (the help text says so). */
(function () {
  "use strict";

  // The stored image stays well under the server's 200 KB limit: at most 2 device pixels
  // per CSS pixel, and a smaller copy if a dense drawing still comes out large.
  var MAX_SCALE = 2;
  var MAX_DATA_URL = 250000;

  function setUp(root) {
    if (root.dataset.signaturePadReady) return;
    root.dataset.signaturePadReady = "1";
    var form = root.closest("form");
    var canvas = root.querySelector("[data-signature-canvas]");
    var input = (form || root).querySelector('input[name="' + root.dataset.drawnInput + '"]');
    var clear = root.querySelector("[data-signature-clear]");
    var status = root.querySelector("[data-signature-status]");
    var drawnArea = root.querySelector("[data-signature-drawn]");
    var typedArea = root.querySelector("[data-signature-typed]");
    var methods = root.querySelectorAll('input[name="' + root.dataset.methodName + '"]');
    if (!canvas || !input || !canvas.getContext) return;
    var context = canvas.getContext("2d");
    var drawing = null; // the pointer drawing now, and its last point
    var hasInk = false;

    function scale() {
      return Math.min(window.devicePixelRatio || 1, MAX_SCALE);
    }

    function fit() {
      // The canvas's pixels follow its size on the page (it scales with the width).
      var box = canvas.getBoundingClientRect();
      if (!box.width || !box.height) return;
      var ratio = scale();
      var width = Math.round(box.width * ratio);
      var height = Math.round(box.height * ratio);
      if (canvas.width === width && canvas.height === height) return;
      var keep = hasInk ? input.value : "";
      canvas.width = width;
      canvas.height = height;
      pen();
      if (keep) paint(keep);
    }

    function pen() {
      var ratio = scale();
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.2;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111827";
      context.fillStyle = "#111827";
    }

    function paint(dataUrl) {
      // A drawing sent back with the form (another field had an error) is shown again.
      var image = new Image();
      image.onload = function () {
        var box = canvas.getBoundingClientRect();
        context.drawImage(image, 0, 0, box.width, box.height);
      };
      image.src = dataUrl;
      hasInk = true;
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function save() {
      var url = canvas.toDataURL("image/png");
      if (url.length > MAX_DATA_URL) {
        var small = document.createElement("canvas");
        var box = canvas.getBoundingClientRect();
        small.width = Math.round(box.width);
        small.height = Math.round(box.height);
        small.getContext("2d").drawImage(canvas, 0, 0, small.width, small.height);
        url = small.toDataURL("image/png");
      }
      input.value = url;
      if (status) status.textContent = root.dataset.savedText || "";
    }

    function start(event) {
      if (event.button !== undefined && event.button > 0) return; // the main button, a touch or a pen
      event.preventDefault();
      fit();
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      drawing = { id: event.pointerId, last: point(event) };
      // A tap leaves a dot.
      context.beginPath();
      context.arc(drawing.last.x, drawing.last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fill();
      hasInk = true;
    }

    function move(event) {
      if (!drawing || event.pointerId !== drawing.id) return;
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) events = [event];
      context.beginPath();
      context.moveTo(drawing.last.x, drawing.last.y);
      for (var i = 0; i < events.length; i++) {
        var next = point(events[i]);
        context.lineTo(next.x, next.y);
        drawing.last = next;
      }
      context.stroke();
    }

    function end(event) {
      if (!drawing || event.pointerId !== drawing.id) return;
      drawing = null;
      save();
    }

    function wipe() {
      context.save();
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.restore();
      hasInk = false;
      input.value = "";
      if (status) status.textContent = root.dataset.clearedText || "";
    }

    function showMethod() {
      var chosen = "drawn";
      for (var i = 0; i < methods.length; i++) if (methods[i].checked) chosen = methods[i].value;
      if (drawnArea) drawnArea.hidden = chosen !== "drawn";
      if (typedArea) typedArea.hidden = chosen !== "typed";
      if (chosen === "drawn") fit();
    }

    canvas.addEventListener("pointerdown", start);
    canvas.addEventListener("pointermove", move);
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("lostpointercapture", end);
    if (clear) clear.addEventListener("click", wipe);
    for (var i = 0; i < methods.length; i++) methods[i].addEventListener("change", showMethod);
    window.addEventListener("resize", fit);

    pen();
    fit();
    if (input.value) paint(input.value);
    showMethod();
  }

  function init() {
    var pads = document.querySelectorAll("[data-signature-pad]");
    for (var i = 0; i < pads.length; i++) setUp(pads[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // A pad that arrives with htmx (a form swapped in) is set up too.
  document.addEventListener("htmx:afterSettle", init);
})();
