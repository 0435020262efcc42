// The session chat in the room (sessions_app/chat.py), live over /ws/chat (messaging/consumers.py),
// signed in by the session cookie: everyone's messages in this slot appear as they arrive, and the form
// sends over the socket. Without the socket (no JavaScript, or it closed) the form posts as usual and the
// page comes back to the chat. Follows static/js/chat.js.
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-session-chat]");
    if (!box || !("WebSocket" in window)) { return; }
    var list = box.querySelector("[data-chat-messages]");
    var form = box.querySelector("[data-chat-form]");
    var textarea = form && form.querySelector("textarea");
    var slotId = Number(box.getAttribute("data-slot"));
    var bookingId = Number(box.getAttribute("data-booking"));
    var me = Number(box.getAttribute("data-me"));
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + box.getAttribute("data-session-chat");
    var socket = new WebSocket(url);
    var open = false;
    var nextClientId = 1;
    var pending = null;

    function pad(n) { return n < 10 ? "0" + n : String(n); }

    function scrollToEnd() { list.scrollTop = list.scrollHeight; }

    function append(message) {
      if (list.querySelector('[data-id="' + message.id + '"]')) { return; }
      var empty = list.querySelector("[data-chat-empty]");
      if (empty) { empty.parentNode.removeChild(empty); }
      var mine = message.sender_id === me;
      var item = document.createElement("li");
      item.className = "chat-message " + (mine ? "mine" : "theirs");
      item.setAttribute("data-id", String(message.id));
      item.setAttribute("data-testid", "session-chat-message");
      var bubble = document.createElement("span");
      bubble.className = "chat-bubble";
      bubble.textContent = message.text;
      item.appendChild(bubble);
      var meta = document.createElement("span");
      meta.className = "chat-meta muted small";
      if (!mine) {
        var sender = document.createElement("span");
        sender.setAttribute("data-testid", "session-chat-sender");
        sender.textContent = message.sender_name;
        meta.appendChild(sender);
        meta.appendChild(document.createTextNode(" · "));
      }
      var sent = new Date(message.sent_at);
      var time = document.createElement("time");
      time.setAttribute("datetime", message.sent_at);
      time.textContent = isNaN(sent.getTime()) ? "" : pad(sent.getHours()) + ":" + pad(sent.getMinutes());
      meta.appendChild(time);
      item.appendChild(meta);
      list.appendChild(item);
      scrollToEnd();
    }

    function showError(text) {
      var error = form && form.querySelector("[data-testid=session-chat-error]");
      if (!error) { return; }
      error.textContent = text || "";
      error.hidden = !text;
    }

    scrollToEnd();
    // data-live-state: "open" once messages arrive live (tests wait for it); "closed" when the form posts.
    socket.addEventListener("open", function () { open = true; box.setAttribute("data-live-state", "open"); });
    socket.addEventListener("close", function () { open = false; box.setAttribute("data-live-state", "closed"); });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (!frame || typeof frame !== "object") { return; }
      if (frame.type === "session_message" && frame.slot_id === slotId) {
        append(frame);
      } else if (frame.type === "ack" && frame.slot_id === slotId && frame.message) {
        append(frame.message);
        // Cleared only once stored, so a refused message stays in the box to be fixed.
        if (textarea && frame.client_id === pending) { textarea.value = ""; }
      } else if (frame.type === "error" && typeof frame.client_id === "string" && frame.client_id === pending) {
        var field = frame.errors && frame.errors[0];
        showError(field && field.message ? field.message : frame.detail);
      }
    });

    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      if (!open) { return; }  // the page's own POST
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) { showError(gettext("Write something first.")); return; }
      showError("");
      pending = "s" + (nextClientId++);
      socket.send(JSON.stringify({ type: "session_message", booking_id: bookingId, text: text, client_id: pending }));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
