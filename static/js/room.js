// The built-in video room: a WebRTC mesh (every participant connects to every other),
// signalled over the app's WebSocket. Media flows browser to browser.
//
// The room is in one state at a time, and its controls show only what that state allows:
//   idle    - not in the call: Join
//   joining - camera, attendance and socket on their way: nothing to click
//   joined  - in the call: Mute, Camera off, Share screen, Leave
//   closed  - the seat can no longer be joined (told by the server): nothing to click
(function () {
  "use strict";
  var root = document.getElementById("room");
  var controls = root && root.querySelector("[data-room-controls]");
  // A closed room's page has no controls and no signalling address: nothing to wire.
  if (!controls || root.dataset.provider !== "builtin" || !root.dataset.signalling) { return; }
  var iceServers = JSON.parse(root.dataset.ice || "[]");
  var grid = root.querySelector(".video-grid");
  var status = root.querySelector("[data-testid=room-status]");
  var button = function (name) { return controls.querySelector("[data-action=" + name + "]"); };
  var group = function (name) { return controls.querySelector("[data-when=" + name + "]"); };
  var state = "idle", local = null, socket = null, peers = {}, names = {}, screenTrack = null;
  // Signalling messages are handled one at a time, in order: an ICE candidate must not overtake
  // the offer it belongs to.
  var inbox = Promise.resolve();

  function say(text) { status.textContent = text; }
  function send(message) { if (socket && socket.readyState === 1) { socket.send(JSON.stringify(message)); } }

  function enter(next) {
    state = next;
    root.setAttribute("data-state", next);
    group("idle").hidden = next !== "idle";
    group("joined").hidden = next !== "joined";
    button("join").disabled = next !== "idle";
  }

  function tile(peerId, stream) {
    var video = document.getElementById("video-" + peerId);
    if (!video) {
      var box = document.createElement("div");
      box.className = "tile";
      box.id = "tile-" + peerId;
      video = document.createElement("video");
      video.id = "video-" + peerId;
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute("data-testid", "remote-video");
      var label = document.createElement("span");
      label.textContent = names[peerId] || gettext("Guest");
      box.appendChild(video);
      box.appendChild(label);
      grid.appendChild(box);
    }
    video.srcObject = stream;
  }

  function connection(peerId) {
    if (peers[peerId]) { peers[peerId].close(); }
    var pc = new RTCPeerConnection({iceServers: iceServers});
    local.getTracks().forEach(function (track) { pc.addTrack(track, local); });
    if (screenTrack) { replaceVideo(pc, screenTrack); }
    pc.onicecandidate = function (event) { if (event.candidate) { send({type: "ice", to: peerId, data: event.candidate}); } };
    pc.ontrack = function (event) { tile(peerId, event.streams[0]); say(gettext("Connected.")); };
    peers[peerId] = pc;
    return pc;
  }

  function drop(peerId) {
    if (peers[peerId]) { peers[peerId].close(); delete peers[peerId]; }
    var box = document.getElementById("tile-" + peerId);
    if (box) { box.remove(); }
  }

  // Ends this side of the call: peers, socket, camera and screen.
  function hangUp() {
    Object.keys(peers).forEach(drop);
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000);
      socket = null;
    }
    if (screenTrack) { screenTrack.onended = null; screenTrack.stop(); screenTrack = null; }
    if (local) { local.getTracks().forEach(function (t) { t.stop(); }); local = null; }
    document.getElementById("local-video").srcObject = null;
    button("mute").textContent = gettext("Mute");
    button("camera").textContent = gettext("Camera off");
    button("screen").textContent = gettext("Share screen");
  }

  async function handle(m) {
    var pc;
    if (m.type === "welcome") { enter("joined"); say(gettext("In the room. Waiting for the others…")); }
    else if (m.type === "peer-joined") {  // whoever was here first calls the newcomer
      names[m.peer_id] = m.name;
      pc = connection(m.peer_id);
      await pc.setLocalDescription(await pc.createOffer());
      send({type: "offer", to: m.peer_id, data: pc.localDescription});
    } else if (m.type === "offer") {
      if (m.name) { names[m.from] = m.name; }
      pc = connection(m.from);
      await pc.setRemoteDescription(m.data);
      await pc.setLocalDescription(await pc.createAnswer());
      send({type: "answer", to: m.from, data: pc.localDescription});
    } else if (m.type === "answer" && peers[m.from]) { await peers[m.from].setRemoteDescription(m.data); }
    else if (m.type === "ice" && peers[m.from]) { await peers[m.from].addIceCandidate(m.data); }
    else if (m.type === "peer-left") {
      drop(m.peer_id);
      say(interpolate(gettext("%(name)s left."), {name: names[m.peer_id] || gettext("The other side")}, true));
    } else if (m.type === "closed") {
      hangUp();
      enter("closed");
      say(m.detail);
    }
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (error) { return; }
    inbox = inbox.then(function () { return handle(message); }).catch(function (error) {
      say(interpolate(gettext("A connection problem: %(error)s"), {error: error.message}, true));
    });
  }

  function onClose(event) {
    if (state === "closed") { return; }  // told why already ("closed", then code 4410)
    hangUp();
    enter("idle");
    say(event.code === 4403 ? gettext("The room did not let you in. Reload the page to see why.") : gettext("Disconnected."));
  }

  async function csrfPost(url) {
    var response = await fetch(url, {method: "POST", body: new FormData(controls), credentials: "same-origin",
                                     headers: {"Accept": "application/json"}});
    var body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    return {ok: response.ok, detail: body && body.detail};
  }

  async function join(event) {
    if (event) { event.preventDefault(); }
    if (state !== "idle") { return; }  // one call per page, however often Join is clicked
    enter("joining");
    say(gettext("Starting your camera and microphone…"));
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
    } catch (error) {
      enter("idle");
      say(interpolate(gettext("Camera or microphone unavailable: %(error)s"), {error: error.message}, true));
      return;
    }
    if (state !== "joining") { stream.getTracks().forEach(function (t) { t.stop(); }); return; }  // left meanwhile
    local = stream;
    document.getElementById("local-video").srcObject = local;
    var joined;
    try {
      joined = await csrfPost(controls.action);  // records attendance, and says why not when the room is shut
    } catch (error) {
      joined = {ok: false, detail: gettext("The server could not be reached. Try again.")};
    }
    if (state !== "joining") { return; }
    if (!joined.ok) {
      hangUp();
      enter("idle");
      say(joined.detail || gettext("You could not join. Reload the page to see why."));
      return;
    }
    say(gettext("Connecting…"));
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.signalling);
    socket.onmessage = onMessage;
    socket.onclose = onClose;
  }

  function toggle(kind, name, on, off) {
    if (state !== "joined" || !local) { return; }
    local.getTracks().filter(function (t) { return t.kind === kind; }).forEach(function (t) {
      t.enabled = !t.enabled;
      button(name).textContent = t.enabled ? on : off;
    });
  }

  function replaceVideo(pc, track) {
    pc.getSenders().forEach(function (s) { if (s.track && s.track.kind === "video") { s.replaceTrack(track); } });
  }

  function stopSharing() {
    var camera = local && local.getVideoTracks()[0];
    if (camera) { Object.values(peers).forEach(function (pc) { replaceVideo(pc, camera); }); }
    screenTrack = null;
    button("screen").textContent = gettext("Share screen");
  }

  async function shareScreen() {
    if (state !== "joined") { return; }
    if (screenTrack) { screenTrack.stop(); stopSharing(); return; }
    var stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({video: true});
    } catch (error) {
      say(interpolate(gettext("Screen sharing did not start: %(error)s"), {error: error.message}, true));
      return;
    }
    if (state !== "joined") { stream.getTracks().forEach(function (t) { t.stop(); }); return; }
    screenTrack = stream.getVideoTracks()[0];
    Object.values(peers).forEach(function (pc) { replaceVideo(pc, screenTrack); });
    button("screen").textContent = gettext("Stop sharing");
    screenTrack.onended = stopSharing;
  }

  function leave() {
    if (state !== "joined" && state !== "joining") { return; }
    hangUp();
    enter("idle");
    say(gettext("You left the room."));
  }

  enter("idle");
  controls.addEventListener("submit", join);
  button("mute").addEventListener("click", function () { toggle("audio", "mute", gettext("Mute"), gettext("Unmute")); });
  button("camera").addEventListener("click", function () { toggle("video", "camera", gettext("Camera off"), gettext("Camera on")); });
  button("screen").addEventListener("click", shareScreen);
  button("leave").addEventListener("click", leave);
  window.addEventListener("pagehide", hangUp);
})();
