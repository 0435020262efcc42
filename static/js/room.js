// The built-in video room: a WebRTC mesh (every participant connects to every other),
// signalled over the app's WebSocket. Media flows browser to browser.
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || root.dataset.provider !== "builtin" || !root.dataset.signalling) { return; }
  var iceServers = JSON.parse(root.dataset.ice || "[]");
  var grid = root.querySelector(".video-grid");
  var status = root.querySelector("[data-testid=room-status]");
  var button = function (name) { return root.querySelector("[data-action=" + name + "]"); };
  var local = null, socket = null, peers = {}, screenTrack = null;

  function say(text) { if (status) { status.textContent = text; } }
  function send(message) { if (socket && socket.readyState === 1) { socket.send(JSON.stringify(message)); } }

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
      box.appendChild(video);
      grid.appendChild(box);
    }
    video.srcObject = stream;
  }

  function connection(peerId) {
    var pc = new RTCPeerConnection({iceServers: iceServers});
    local.getTracks().forEach(function (track) { pc.addTrack(track, local); });
    pc.onicecandidate = function (event) { if (event.candidate) { send({type: "ice", to: peerId, data: event.candidate}); } };
    pc.ontrack = function (event) { tile(peerId, event.streams[0]); say("Connected."); };
    peers[peerId] = pc;
    return pc;
  }

  function drop(peerId) {
    if (peers[peerId]) { peers[peerId].close(); delete peers[peerId]; }
    var box = document.getElementById("tile-" + peerId);
    if (box) { box.remove(); }
  }

  async function onMessage(event) {
    var m = JSON.parse(event.data), pc;
    if (m.type === "welcome") { say("In the room. Waiting for the others…"); }
    else if (m.type === "peer-joined") {  // whoever was here first calls the newcomer
      pc = connection(m.peer_id);
      await pc.setLocalDescription(await pc.createOffer());
      send({type: "offer", to: m.peer_id, data: pc.localDescription});
    } else if (m.type === "offer") {
      pc = connection(m.from);
      await pc.setRemoteDescription(m.data);
      await pc.setLocalDescription(await pc.createAnswer());
      send({type: "answer", to: m.from, data: pc.localDescription});
    } else if (m.type === "answer" && peers[m.from]) { await peers[m.from].setRemoteDescription(m.data); }
    else if (m.type === "ice" && peers[m.from]) { await peers[m.from].addIceCandidate(m.data); }
    else if (m.type === "peer-left") { drop(m.peer_id); say("The other side left."); }
    else if (m.type === "closed") { Object.keys(peers).forEach(drop); say(m.detail); }
  }

  async function join() {
    try {
      local = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
    } catch (error) {
      say("Camera or microphone unavailable: " + error.message);
      return;
    }
    document.getElementById("local-video").srcObject = local;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.signalling);
    socket.onmessage = onMessage;
    socket.onclose = function (event) { if (event.code !== 4410) { say("Disconnected."); } };  // 4410: told why
    button("join").hidden = true;
    ["mute", "camera", "screen", "leave"].forEach(function (name) { button(name).hidden = false; });
  }

  function toggle(kind, name, on, off) {
    local.getTracks().filter(function (t) { return t.kind === kind; }).forEach(function (t) {
      t.enabled = !t.enabled;
      button(name).textContent = t.enabled ? on : off;
    });
  }

  async function shareScreen() {
    if (screenTrack) { screenTrack.stop(); return; }
    var stream = await navigator.mediaDevices.getDisplayMedia({video: true});
    screenTrack = stream.getVideoTracks()[0];
    var camera = local.getVideoTracks()[0];
    var swap = function (track) {
      Object.values(peers).forEach(function (pc) {
        pc.getSenders().forEach(function (s) { if (s.track && s.track.kind === "video") { s.replaceTrack(track); } });
      });
    };
    swap(screenTrack);
    button("screen").textContent = "Stop sharing";
    screenTrack.onended = function () { swap(camera); screenTrack = null; button("screen").textContent = "Share screen"; };
  }

  function leave() {
    Object.keys(peers).forEach(drop);
    if (socket) { socket.close(); }
    if (local) { local.getTracks().forEach(function (t) { t.stop(); }); }
    say("You left the room.");
    button("join").hidden = false;
    ["mute", "camera", "screen", "leave"].forEach(function (name) { button(name).hidden = true; });
  }

  button("join").addEventListener("click", join);
  button("mute").addEventListener("click", function () { toggle("audio", "mute", "Mute", "Unmute"); });
  button("camera").addEventListener("click", function () { toggle("video", "camera", "Camera off", "Camera on"); });
  button("screen").addEventListener("click", shareScreen);
  button("leave").addEventListener("click", leave);
  window.addEventListener("beforeunload", leave);
})();
