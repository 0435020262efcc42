// A form sent back with errors may sit far down a long page: bring its first problem into view and put
// the cursor there, so the message at the top and the field it is about are never out of sight of each
// other. Applies inside elements marked data-focus-errors.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var scope = document.querySelectorAll("[data-focus-errors]");
  var first = null;
  scope.forEach(function (area) {
    first = first || area.querySelector('[aria-invalid="true"]') || area.querySelector(".errorlist");
  });
  if (!first) { return; }
  var field = first.matches("input, select, textarea") ? first
    : (first.closest("form") && first.closest("form").querySelector("input:not([type=hidden]), select, textarea"));
  first.scrollIntoView({ block: "center" });
  if (field) { field.focus({ preventScroll: true }); }
});
