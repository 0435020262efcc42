// The session room's own forms (the mentor's notes, no-shows, completion) save in the background:
// reloading the page would end the call in it. Without this script they post and come back as usual.
// A room that has not opened yet reloads itself when it opens.
(function () {
  "use strict";
  var header = document.querySelector("[data-testid=session-state]");
  var pageBooking = header ? header.getAttribute("data-booking") : null;

  function showStatus(node, status, label) {
    node.textContent = label;
    node.className = node.className.replace(/\bstatus-\S+/, "status-" + status);
    node.setAttribute("data-status", status);
  }

  function messageNode(form) {
    return form.querySelector("[data-action-status]") ||
      form.closest("section").querySelector("[data-action-status]");
  }

  async function post(form) {
    var response;
    try {
      response = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json"}
      });
    } catch (error) {
      return {ok: false, body: {detail: gettext("The server could not be reached. Try again.")}};
    }
    var body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    return {ok: response.ok, body: body || {detail: interpolate(gettext("That did not work (%(status)s). Try again."), {status: response.status}, true)}};
  }

  function remove(selector, scope) {
    (scope || document).querySelectorAll(selector).forEach(function (node) { node.remove(); });
  }

  function applied(kind, form, body) {
    var section = form.closest("section");
    if (kind === "no-show") {
      var seat = form.closest("[data-seat]");
      if (seat) { showStatus(seat.querySelector("[data-testid=seat-state]"), body.status, body.status_display); }
      form.remove();
    } else if (kind === "complete") {
      // Every scheduled seat of the session completes with it; the outcome is recorded, so no more buttons.
      section.querySelectorAll("[data-testid=seat-state][data-status=scheduled]").forEach(function (node) {
        showStatus(node, body.status, body.status_display);
      });
      remove("form[data-room-action=no-show], form[data-room-action=complete]", section);
    }
    if (kind !== "notes" && header && String(body.id) === pageBooking) {
      showStatus(header, body.status, body.status_display);
      if (body.status !== "scheduled") { remove("form[data-room-action=complete]"); }
    }
  }

  document.querySelectorAll("form[data-room-action]").forEach(function (form) {
    var kind = form.getAttribute("data-room-action");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var message = messageNode(form);
      if (button.disabled) { return; }
      button.disabled = true;
      message.textContent = gettext("Saving…");
      var result = await post(form);
      message.textContent = result.body.detail;
      if (result.ok) { applied(kind, form, result.body); }
      button.disabled = false;
    });
  });

  var opening = document.querySelector("[data-reload-at]");
  if (opening) {
    var wait = new Date(opening.getAttribute("data-reload-at")) - new Date();
    // Timers longer than about 24 days fire at once; a page left open that long can be reloaded by hand.
    if (wait > 0 && wait < 86400000) { setTimeout(function () { location.reload(); }, wait + 1000); }
  }
})();
