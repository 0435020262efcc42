// MentorHub page behaviour: small, dependency-free, served by the app.
(function () {
  "use strict";
  // The browser's time zone is detected by timezone.js, first thing in <head>.

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Behaviour is wired here, never in on*= attributes: the Content-Security-Policy blocks those.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

// Weekly hours editor: shortcuts for the common cases.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-hours-editor]").forEach(function (editor) {
    var input = function (day) { return editor.querySelector('[data-day="' + day + '"]'); };
    var fill = editor.querySelector("[data-fill-weekdays]");
    if (fill) {
      fill.addEventListener("click", function () {
        var monday = input("monday");
        ["tuesday", "wednesday", "thursday", "friday"].forEach(function (day) {
          if (input(day) && monday) { input(day).value = monday.value; }
        });
      });
    }
    var clear = editor.querySelector("[data-clear-hours]");
    if (clear) {
      clear.addEventListener("click", function () {
        editor.querySelectorAll(".hours-input").forEach(function (el) { el.value = ""; });
      });
    }
  });
});

// Countdowns for booking holds ("12m 30s left"), updated every second.
document.addEventListener("DOMContentLoaded", function () {
  var nodes = document.querySelectorAll("[data-countdown]");
  if (!nodes.length) { return; }
  var tick = function () {
    nodes.forEach(function (node) {
      var left = Math.max(0, Math.floor((new Date(node.getAttribute("data-countdown")) - new Date()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      var parts = {h: h, m: m, s: s};
      node.textContent = left === 0 ? gettext("expired")
        : interpolate(h ? gettext("%(h)sh %(m)sm %(s)ss left") : gettext("%(m)sm %(s)ss left"), parts, true);
    });
  };
  tick();
  setInterval(tick, 1000);
});
