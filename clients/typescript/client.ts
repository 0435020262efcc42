// A tiny MentorHub client typed by schema.d.ts, the types openapi-typescript generates from
// /api/schema/ (`make client` writes them here). A test generates them afresh and type-checks this
// file against them, so a change to the API that would break clients breaks the build first.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
type JsonOf<R> = R extends { content: { "application/json": infer Body } } ? Body : never;

export type LoginInput = JsonOf<paths["/api/v1/auth/login/"]["post"]["requestBody"]>;
export type LoginOutput = JsonOf<paths["/api/v1/auth/login/"]["post"]["responses"][200]>;
export type MentorQuery = NonNullable<paths["/api/v1/mentors/"]["get"]["parameters"]["query"]>;
export type MentorPage = JsonOf<paths["/api/v1/mentors/"]["get"]["responses"][200]>;
export type BookingInput = JsonOf<paths["/api/v1/sessions/"]["post"]["requestBody"]>;
export type BookingOutput = JsonOf<paths["/api/v1/sessions/"]["post"]["responses"][201]>;
export type Dashboard = JsonOf<paths["/api/v1/dashboard/"]["get"]["responses"][200]>;
export type ApiError = Schemas["Error"];

/** Every failed call rejects with the API's one error shape. */
export class MentorHubError extends Error {
  constructor(readonly body: ApiError) {
    super(body.detail);
  }
}

export class MentorHubClient {
  constructor(
    private readonly baseUrl: string,
    private accessToken: string | null = null,
  ) {}

  private async call<T>(method: string, path: string, options: { body?: unknown; query?: object } = {}): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    const response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const body: unknown = response.status === 204 ? null : await response.json();
    if (!response.ok) throw new MentorHubError(body as ApiError);
    return body as T;
  }

  async login(input: LoginInput): Promise<LoginOutput> {
    const tokens = await this.call<LoginOutput>("POST", "/api/v1/auth/login/", { body: input });
    this.accessToken = tokens.access_token;
    return tokens;
  }

  mentors(query: MentorQuery = {}): Promise<MentorPage> {
    return this.call<MentorPage>("GET", "/api/v1/mentors/", { query });
  }

  book(input: BookingInput): Promise<BookingOutput> {
    return this.call<BookingOutput>("POST", "/api/v1/sessions/", { body: input });
  }

  dashboard(): Promise<Dashboard> {
    return this.call<Dashboard>("GET", "/api/v1/dashboard/");
  }
}

/** What an app's home screen says first: the next session, as mentee or as mentor, and what waits. */
export async function homeScreenHeadline(client: MentorHubClient): Promise<string> {
  const home: Dashboard = await client.dashboard();
  const next = home.as_mentee.next_sessions[0] ?? home.as_mentor?.next_sessions[0];
  const waiting: number = home.as_mentor?.requests_waiting.count ?? 0;
  const when: string = next ? new Date(next.session_date).toLocaleString() : "nothing booked";
  return `${when}; ${waiting} request(s) waiting; ${home.notifications.unread_count} unread`;
}

/** Books the first mentor with a free time: every list is {items, total, page, pages}, every time an ISO string. */
export async function bookTheFirstFreeMentor(client: MentorHubClient, skill: string): Promise<BookingOutput | null> {
  const page: MentorPage = await client.mentors({ skill: [skill], page: 1, page_size: 20 });
  const mentor = page.items.find((card) => card.next_free_at);
  if (!mentor?.next_free_at) return null;
  const at: Date = new Date(mentor.next_free_at);
  return client.book({ mentor_id: mentor.id, scheduled_at: at.toISOString(), duration_minutes: 60 });
}
