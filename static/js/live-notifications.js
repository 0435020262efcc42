// The bell keeps itself current: /ws/notifications pushes the unread count and each new notice
// (notifications/consumers.py). Signed in by the session cookie; a new notice is shown for a few
// seconds in a polite live region. The socket comes back after the server restarts or the network
// drops, waiting longer each time; a 4401 (signed out) or 4404 ends it for this page. A ping every
// minute (answered with a pong) keeps the user counted as present: no e-mail digest while they are here.
(function () {
  "use strict";

  var SHOWN_MS = 8000;
  var PING_EVERY_MS = 60000;
  var FIRST_WAIT_MS = 1000;
  var LONGEST_WAIT_MS = 60000;
  var FINAL = { 4401: true, 4403: true, 4404: true };

  function start() {
    var bell = document.querySelector("[data-live-notifications]");
    if (!bell || !("WebSocket" in window)) { return; }
    var count = bell.querySelector(".bell-count");
    var region = document.querySelector("[data-live-notices]");
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
      bell.getAttribute("data-live-notifications");
    var wait = FIRST_WAIT_MS;
    var timer = null;

    function showCount(n) {
      if (typeof n !== "number" || n < 0) { return; }
      if (count) {
        count.textContent = n > 99 ? "99+" : String(n);
        count.hidden = n === 0;
      }
      bell.classList.toggle("has-unread", n > 0);
      bell.setAttribute("aria-label", n > 0
        ? interpolate(gettext("Notifications, %(n)s unread"), { n: n }, true)
        : gettext("Notifications"));
    }

    function sameSite(link) {
      return typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/";
    }

    function showNotice(notice) {
      if (!region || !notice || typeof notice.title !== "string") { return; }
      // Already looking at what it announces (the conversation a message came into): no pop-up.
      if (notice.link && notice.link === window.location.pathname) { return; }
      var item = document.createElement("div");
      item.className = "live-notice";
      item.setAttribute("data-testid", "live-notice");
      var title = document.createElement(sameSite(notice.link) ? "a" : "strong");
      title.className = "live-notice-title";
      title.textContent = notice.title;
      if (sameSite(notice.link)) { title.href = notice.link; }
      item.appendChild(title);
      if (notice.body) {
        var body = document.createElement("span");
        body.className = "live-notice-body";
        body.textContent = notice.body;
        item.appendChild(body);
      }
      region.appendChild(item);
      setTimeout(function () {
        if (item.parentNode) { item.parentNode.removeChild(item); }
      }, SHOWN_MS);
    }

    function received(event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (!message || typeof message !== "object") { return; }
      if (message.type === "notification") { showNotice(message.notification); }
      if (message.type === "notification" || message.type === "unread_count") { showCount(message.unread_count); }
    }

    function connect() {
      timer = null;
      var socket;
      try { socket = new WebSocket(url); } catch (e) { return; }
      var pinger = null;
      socket.addEventListener("open", function () {
        wait = FIRST_WAIT_MS;
        bell.setAttribute("data-live-state", "open");
        pinger = setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, PING_EVERY_MS);
      });
      socket.addEventListener("message", received);
      socket.addEventListener("error", function () { /* followed by close, which decides */ });
      socket.addEventListener("close", function (event) {
        clearInterval(pinger);
        bell.setAttribute("data-live-state", FINAL[event.code] ? "ended" : "closed");
        if (FINAL[event.code] || timer) { return; }
        timer = setTimeout(connect, wait + Math.floor(Math.random() * 500));
        wait = Math.min(wait * 2, LONGEST_WAIT_MS);
      });
    }

    connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
