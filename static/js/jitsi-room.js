// A session room on Jitsi Meet: Jitsi's iframe API (loaded before this file from the
// configured Jitsi deployment) opens the room named on the page.
(function () {
  "use strict";
  var node = document.getElementById("jitsi");
  if (!node) { return; }
  var status = document.querySelector("[data-testid=room-status]");
  if (typeof JitsiMeetExternalAPI === "undefined") {
    if (status) { status.textContent = interpolate(gettext("Jitsi Meet could not be loaded from %(domain)s. Reload to try again."), {domain: node.dataset.domain}, true); }
    return;
  }
  var options = {roomName: node.dataset.room, parentNode: node, width: "100%", height: 480,
                 userInfo: {displayName: node.dataset.displayName}};
  if (node.dataset.jwt) { options.jwt = node.dataset.jwt; }
  new JitsiMeetExternalAPI(node.dataset.domain, options);
})();
