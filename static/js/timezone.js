// Times are rendered by the server in the viewer's zone. The browser's zone reaches the server in the
// "tz" cookie, which this script writes; it runs first in <head>, before the page is drawn.
//  - A visitor whose page follows the browser (data-tz-auto: not signed in) and was rendered in another
//    zone (a first visit, or a trip) gets the same page again at once, in their zone: one reload, never a loop.
//  - A signed-in user's zone is their profile's; when the browser is elsewhere, the footer offers to use
//    the browser's zone instead ([data-tz-offer], posting form#tz-offer).
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  if (!zone) { return; }
  var root = document.documentElement;
  var shown = root.getAttribute("data-tz");
  var cookie = "tz=" + encodeURIComponent(zone);
  var stored = function () { return document.cookie.split("; ").indexOf(cookie) !== -1; };
  if (!stored()) {
    document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  if (shown === zone) { return; }

  if (root.hasAttribute("data-tz-auto")) {
    if (!stored()) { return; }  // cookies refused: the page stays as rendered (and says its zone)
    var once;
    try {
      // Once per zone and tab: a zone the server cannot use must not reload the page forever.
      once = sessionStorage.getItem("tz-reloaded") !== zone;
      sessionStorage.setItem("tz-reloaded", zone);
    } catch (error) { once = false; }
    if (once) {
      window.stop();
      // A GET of the same address (never a re-sent form); with a #fragment only reload() fetches again.
      if (location.hash) { location.reload(); } else { location.replace(location.href); }
    }
    return;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var offer = document.querySelector("[data-tz-offer]"), form = document.getElementById("tz-offer");
    if (!offer || !form) { return; }
    form.querySelector("input[name=timezone]").value = zone;
    offer.querySelector("[data-tz-browser]").textContent = zone;
    offer.hidden = false;
  });
})();
