// A conversation page, live over /ws/chat (messaging/consumers.py), signed in by the session cookie:
// the other person's messages appear as they arrive, the form sends over the socket, "typing…" and
// "Seen" come and go, and what is shown is marked read while the page is visible. Without the socket
// (no JavaScript, or it closed) the form posts to the page as usual. A ping every minute keeps the
// reader counted as present, so no e-mail digest is sent about messages they are here to see.
(function () {
  "use strict";

  var TYPING_EVERY_MS = 3000;
  var TYPING_SHOWN_MS = 5000;
  var PING_EVERY_MS = 60000;

  function start() {
    var box = document.querySelector("[data-chat]");
    if (!box || !("WebSocket" in window)) { return; }
    var list = box.querySelector("[data-chat-messages]");
    var form = box.querySelector("[data-chat-form]");
    var typing = box.querySelector("[data-chat-typing]");
    var conversationId = Number(box.getAttribute("data-conversation"));
    var me = Number(box.getAttribute("data-me"));
    var other = Number(box.getAttribute("data-other"));
    var showingLatest = !/[?&]before=/.test(location.search);
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + box.getAttribute("data-chat");
    var socket = new WebSocket(url);
    var open = false;
    var sentTypingAt = 0;
    var typingTimer = null;
    var unreadUpTo = 0;
    var nextClientId = 1;
    var pending = null;
    var textarea = form && form.querySelector("textarea");

    function pad(n) { return n < 10 ? "0" + n : String(n); }

    function append(message) {
      if (!showingLatest || list.querySelector('[data-id="' + message.id + '"]')) { return; }
      var empty = list.querySelector("[data-chat-empty]");
      if (empty) { empty.parentNode.removeChild(empty); }
      var mine = message.sender_id === me;
      var system = message.kind === "system";
      var item = document.createElement("li");
      item.className = "chat-message " + (system ? "system" : (mine ? "mine" : "theirs"));
      item.setAttribute("data-id", String(message.id));
      item.setAttribute("data-testid", "chat-message");
      var bubble = document.createElement("span");
      bubble.className = "chat-bubble";
      bubble.textContent = message.text;
      item.appendChild(bubble);
      var meta = document.createElement("span");
      meta.className = "chat-meta muted small";
      var sent = new Date(message.sent_at);
      var time = document.createElement("time");
      time.setAttribute("datetime", message.sent_at);
      time.textContent = isNaN(sent.getTime()) ? "" : pad(sent.getHours()) + ":" + pad(sent.getMinutes());
      meta.appendChild(time);
      if (mine && !system) {
        var seen = document.createElement("span");
        seen.className = "chat-seen";
        seen.setAttribute("data-seen", "");
        seen.textContent = " · " + gettext("Seen");
        seen.hidden = !message.read;
        meta.appendChild(seen);
      }
      item.appendChild(meta);
      list.appendChild(item);
      item.scrollIntoView({ block: "end" });
    }

    function markRead() {
      if (!open || !unreadUpTo || document.visibilityState !== "visible") { return; }
      socket.send(JSON.stringify({ type: "read", conversation_id: conversationId, up_to_id: unreadUpTo }));
      unreadUpTo = 0;
    }

    function seen(upTo) {
      var items = list.querySelectorAll(".chat-message.mine[data-id]");
      for (var i = 0; i < items.length; i++) {
        if (Number(items[i].getAttribute("data-id")) <= upTo) {
          var mark = items[i].querySelector("[data-seen]");
          if (mark) { mark.hidden = false; }
        }
      }
    }

    function showError(text) {
      var error = form && form.querySelector("[data-testid=chat-error]");
      if (!error) { return; }
      error.textContent = text || "";
      error.hidden = !text;
    }

    function showTyping() {
      if (!typing) { return; }
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, TYPING_SHOWN_MS);
    }

    // data-live-state: "open" once messages arrive live (tests wait for it); "closed" when the form posts.
    var pinger = null;
    socket.addEventListener("open", function () {
      open = true;
      box.setAttribute("data-live-state", "open");
      markRead();
      pinger = setInterval(function () { if (open) { socket.send(JSON.stringify({ type: "ping" })); } }, PING_EVERY_MS);
    });
    socket.addEventListener("close", function () {
      open = false;
      clearInterval(pinger);
      box.setAttribute("data-live-state", "closed");
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (!frame || typeof frame !== "object") { return; }
      if (frame.type === "message" && frame.conversation_id === conversationId) {
        append(frame);
        if (frame.sender_id === other) {
          if (typing) { typing.hidden = true; }
          unreadUpTo = Math.max(unreadUpTo, frame.id);
          markRead();
        }
      } else if (frame.type === "ack" && frame.message) {
        append(frame.message);
        // Cleared only once stored, so a refused message stays in the box to be fixed.
        if (textarea && frame.client_id === pending) { textarea.value = ""; }
      } else if (frame.type === "read" && frame.conversation_id === conversationId && frame.reader_id === other) {
        seen(frame.up_to_id);
      } else if (frame.type === "typing" && frame.conversation_id === conversationId && frame.user_id === other) {
        showTyping();
      } else if (frame.type === "error" && typeof frame.client_id === "string") {
        var field = frame.errors && frame.errors[0];
        showError(field && field.message ? field.message : frame.detail);
      }
    });

    document.addEventListener("visibilitychange", markRead);

    if (!form) { return; }
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (open && textarea.value.trim() && now - sentTypingAt > TYPING_EVERY_MS) {
        sentTypingAt = now;
        socket.send(JSON.stringify({ type: "typing", conversation_id: conversationId }));
      }
    });
    form.addEventListener("submit", function (event) {
      if (!open || !showingLatest) { return; }  // the page's own POST
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) { showError(gettext("Write something first.")); return; }
      showError("");
      pending = "c" + (nextClientId++);
      socket.send(JSON.stringify({ type: "message", recipient_id: other, text: text, client_id: pending }));
      sentTypingAt = 0;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
