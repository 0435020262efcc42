// A minimal single-page client of the MentorHub API, on another origin than the API.
// The refresh token lives only in the HttpOnly cookie the API sets; this script never sees it.
// The access token lives in memory and is renewed shortly before it expires.
"use strict";

const API = new URL(location.href).searchParams.get("api") + "/api/v1/";
const EARLY_MS = 1500; // renew this long before the access token's expiry
const state = { access: null, expiresAt: 0, refreshes: 0, firstAccess: null };
window.spaState = state; // for the test: which access token came first

const $ = (id) => document.getElementById(id);
const show = (id, text) => { $(id).textContent = text; };

async function asJson(response) {
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(`${response.status}: ${body && body.detail}`);
  return body;
}

function keep(tokens) {
  state.access = tokens.access_token;
  state.expiresAt = Date.now() + tokens.expires_in * 1000;
}

// Auth calls carry the cookie (credentials: "include"); other calls carry the access token only.
async function auth(path, body) {
  const response = await fetch(API + path, {
    method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
  });
  return asJson(response);
}

async function refresh() {
  keep(await auth("auth/refresh"));
  state.refreshes += 1;
  show("refreshes", String(state.refreshes));
}

async function call(path, options = {}) {
  if (state.access && Date.now() >= state.expiresAt - EARLY_MS) await refresh();
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${state.access}` };
  return asJson(await fetch(API + path, { ...options, headers }));
}

function action(id, run) {
  $(id).addEventListener(id === "login" ? "submit" : "click", async (event) => {
    event.preventDefault();
    show("error", "");
    try {
      await run();
    } catch (error) {
      show("error", error.message);
    }
  });
}

action("login", async () => {
  const form = $("login");
  const tokens = await auth("auth/login", {
    email: form.email.value, password: form.password.value, refresh_cookie: true,
  });
  if ("refresh_token" in tokens) throw new Error("the refresh token should have stayed in the cookie");
  keep(tokens);
  state.firstAccess = tokens.access_token;
  show("me", tokens.user.email);
  show("session", "signed in");
});

action("list", async () => {
  const page = await call("mentors");
  show("mentors", page.items.map((mentor) => `${mentor.user.full_name} (${mentor.title})`).join("; "));
});

action("book", async () => {
  const mentor = (await call("mentors")).items[0];
  const slot = (await call(`mentors/${mentor.id}/slots`)).items[0];
  const booking = await call("booking/hold", { method: "POST", body: JSON.stringify({ slot_id: slot.id }) });
  show("booking", `booking ${booking.id}: ${booking.status}`);
});

action("whoami", async () => {
  show("me", "");
  show("me", (await call("users/me")).email);
});

action("logout", async () => {
  await auth("auth/logout");
  state.access = null;
  state.expiresAt = 0;
  show("me", "");
  show("session", "signed out");
});
