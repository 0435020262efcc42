// Skill suggestions as you type: fills an input's <datalist> from the app's skills endpoint.
// Inputs opt in with data-suggest="<endpoint>" and list="<datalist id>"; with data-suggest-many the value is a
// comma-separated list and only its last part is completed.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var LIMIT = 8;

  function parts(input) {
    var value = input.value;
    if (!input.hasAttribute("data-suggest-many")) { return { before: "", term: value.trim() }; }
    var cut = value.lastIndexOf(",");
    return { before: cut === -1 ? "" : value.slice(0, cut + 1).trim() + " ", term: value.slice(cut + 1).trim() };
  }

  function wire(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var endpoint = input.getAttribute("data-suggest");
    var found = {};  // term -> [{name, mentor_count}], so retyping costs no request
    var timer = null;

    function show(before, items) {
      list.textContent = "";
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = before + item.name;
        option.label = interpolate(ngettext("%(count)s mentor", "%(count)s mentors", item.mentor_count),
                                   {count: item.mentor_count}, true);
        list.appendChild(option);
      });
    }

    function suggest() {
      var current = parts(input);
      var term = current.term.toLowerCase();
      if (!term) { show("", []); return; }
      if (found[term]) { show(current.before, found[term]); return; }
      fetch(endpoint + "?limit=" + LIMIT + "&q=" + encodeURIComponent(current.term), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : { items: [] };
      }).then(function (body) {
        found[term] = body.items || [];
        if (parts(input).term.toLowerCase() === term) { show(current.before, found[term]); }
      }).catch(function () { /* offline or throttled: typing works without suggestions */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(wire);
  });
})();
