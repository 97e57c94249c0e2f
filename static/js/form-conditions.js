// Conditional fields of a documentation form: an element marked data-show-if="<key>" is
// shown only while the answer to <key> satisfies data-show-if-rule ("equals:<v>",
// "in:<v1>|<v2>", "filled:1" or "filled:0"). The server applies the same conditions on every
// post (a hidden answer is neither required nor kept); this only spares people the questions
// that do not apply. Chains work: a field inside a hidden one counts as unanswered.
(function () {
  "use strict";
  var form = document.querySelector("form.fill-form");
  if (!form) { return; }
  var PREFIX = "a-";

  function holder(key) { return form.querySelector('.answer[data-key="' + key + '"]'); }

  function values(key) {
    var box = holder(key);
    if (box && box.hidden) { return []; }
    var inputs = form.querySelectorAll('[name="' + PREFIX + key + '"]');
    var found = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.type === "checkbox" && input.value === "on") { found.push("yes"); return; }
      if (input.tagName === "SELECT" && input.multiple) {
        Array.prototype.forEach.call(input.selectedOptions, function (o) { found.push(o.value); });
        return;
      }
      if (input.value !== "") { found.push(input.value); }
    });
    return found;
  }

  function holds(rule, answers) {
    var colon = rule.indexOf(":");
    var kind = rule.slice(0, colon);
    var wanted = rule.slice(colon + 1);
    if (kind === "filled") { return (answers.length > 0) === (wanted === "1"); }
    var options = kind === "in" ? wanted.split("|") : [wanted];
    if (kind === "equals" && (wanted === "True" || wanted === "False")) {
      options = [wanted === "True" ? "yes" : "no"];
    }
    if (answers.length === 0) { answers = kind === "equals" && options[0] === "no" ? ["no"] : []; }
    return answers.some(function (a) { return options.indexOf(a) !== -1; });
  }

  function update() {
    // Twice: a chain decided in document order settles in one pass, in any order in two.
    for (var pass = 0; pass < 2; pass++) {
      form.querySelectorAll(".answer[data-show-if]").forEach(function (box) {
        box.hidden = !holds(box.dataset.showIfRule, values(box.dataset.showIf));
      });
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
