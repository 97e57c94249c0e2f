// Names for the admin's autocomplete widgets. Select2 labels its combobox by the text it
// shows (empty before a choice) and gives its text box no name at all (axe:
// aria-input-field-name), so both are pointed at the field's own <label>.
(function () {
  "use strict";
  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = (select.id && document.querySelector('label[for="' + select.id + '"]')) || select.closest("label");
      var container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) { return; }
      if (!label.id) { label.id = select.id + "_label"; }
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (part) {
        part.setAttribute("aria-labelledby", label.id);
      });
    });
  }
  // Django starts Select2 in jQuery's ready handler and again for each added inline row.
  window.addEventListener("load", function () { nameAutocompletes(document); });
  document.addEventListener("formset:added", function (event) {
    setTimeout(function () { nameAutocompletes(event.target); }, 0);
  });
})();
