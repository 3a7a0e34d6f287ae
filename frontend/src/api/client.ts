// The dashboard's API client: openapi-fetch over the types generated from
// the API's OpenAPI document (src/api/schema.d.ts), same origin as the app.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Appointment = Schemas["Appointment"];
export type Staff = Schemas["Staff"];
export type Service = Schemas["Service"];
export type Customer = Schemas["Customer"];
export type Conversation = Schemas["Conversation"];
export type Message = Schemas["Message"];
export type Organization = Schemas["Organization"];
export type Slot = Schemas["Slot"];
export type Session = Schemas["Session"];
export type Location = Schemas["Location"];
export type Spot = Schemas["Spot"];
export type TimeBlock = Schemas["TimeBlock"];
export type AdminConversation = Schemas["AdminConversation"];
export type Activity = Schemas["Activity"];

const SESSION_KEY = "parlo.session";
const ADMIN_KEY = "parlo.admin";

export interface StoredSession {
  token: string;
  expires_at: string;
  business?: { id: string; name: string };
  staff?: { id: string; name: string };
  permission_level?: string;
  impersonated?: boolean;
}

export function loadSession(key = SESSION_KEY): StoredSession | null {
  try {
    const raw = (key === SESSION_KEY ? sessionOrLocal() : localStorage).getItem(key);
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    return new Date(s.expires_at).getTime() > Date.now() ? s : null;
  } catch {
    return null;
  }
}

// An impersonation session lives in its tab only (sessionStorage), so the
// admin's own tabs and a business's real session never mix.
function sessionOrLocal(): Storage {
  return sessionStorage.getItem(SESSION_KEY) ? sessionStorage : localStorage;
}

export function saveSession(s: StoredSession) {
  (s.impersonated ? sessionStorage : localStorage).setItem(SESSION_KEY, JSON.stringify(s));
}

export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(SESSION_KEY);
}

export const loadAdmin = () => loadSession(ADMIN_KEY);
export const saveAdmin = (s: StoredSession) => localStorage.setItem(ADMIN_KEY, JSON.stringify(s));
export const clearAdmin = () => localStorage.removeItem(ADMIN_KEY);

/** An error the API answered (`{"error": {code, message}}`) or the network failed. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

export const OFFLINE_MESSAGE =
  "No pudimos conectar con Parlo. Revisa tu conexión e inténtalo de nuevo.";

/** Turns an openapi-fetch answer into its data, or throws the API's Spanish message. */
export function unwrap<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.response.ok) return r.data as T;
  const e = (r.error ?? {}) as { error?: { code?: string; message?: string } };
  throw new ApiError(
    r.response.status,
    e.error?.code ?? "unavailable",
    e.error?.message ?? "Algo salió mal. Inténtalo de nuevo en un momento.",
  );
}

// Whether the API answered the last query (see main.tsx), for the banner.
let reachable = true;
const reachListeners = new Set<(ok: boolean) => void>();
export function setApiReachable(ok: boolean) {
  if (ok === reachable) return;
  reachable = ok;
  reachListeners.forEach((f) => f(ok));
}
export function onApiReachable(f: (ok: boolean) => void): () => void {
  reachListeners.add(f);
  return () => reachListeners.delete(f);
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return OFFLINE_MESSAGE;
}

/** Session codes after which the stored session is useless. */
const SESSION_GONE = new Set([
  "missing_token",
  "invalid_token",
  "session_expired",
  "session_revoked",
  "access_revoked",
]);

let onSessionGone: (message: string) => void = () => {};
export function setSessionGoneHandler(f: (message: string) => void) {
  onSessionGone = f;
}

// The business an admin is editing through the dashboard's own screens
// (/admin/negocios/{id}/panel): the business routes go to their admin
// mirrors (`/api/v1/admin/organizations/{id}/…`) with the admin's token.
let adminScope: string | null = null;
export function setAdminScope(orgId: string | null) {
  adminScope = orgId;
}
export const currentAdminScope = () => adminScope;

const BUSINESS_PREFIX = "/api/v1/";

function auth(admin: boolean): Middleware {
  return {
    async onRequest({ request }) {
      const asAdmin = admin || !!adminScope;
      const s = asAdmin ? loadAdmin() : loadSession();
      if (s) request.headers.set("Authorization", `Bearer ${s.token}`);
      if (!admin && adminScope) {
        const u = new URL(request.url);
        if (u.pathname.startsWith(BUSINESS_PREFIX) && !u.pathname.startsWith("/api/v1/admin/")) {
          u.pathname = `/api/v1/admin/organizations/${adminScope}/${u.pathname.slice(BUSINESS_PREFIX.length)}`;
          // A new Request from the old one's streamed body needs `duplex`;
          // the bodies here are small JSON: read it and pass the bytes.
          const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
          return new Request(u, { method: request.method, headers: request.headers, body, signal: request.signal });
        }
      }
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401 || response.status === 403) {
        const body = (await response
          .clone()
          .json()
          .catch(() => ({}))) as { error?: { code?: string; message?: string } };
        const code = body.error?.code ?? "";
        const asAdmin = admin || !!adminScope;
        if (SESSION_GONE.has(code) || (!asAdmin && code === "business_suspended")) {
          if (asAdmin) clearAdmin();
          else clearSession();
          onSessionGone(body.error?.message ?? "Tu sesión terminó. Entra de nuevo.");
        }
      }
      return response;
    },
  };
}

const origin = typeof window === "undefined" ? "http://localhost" : window.location.origin;

export const api = createClient<paths>({ baseUrl: origin });
api.use(auth(false));

export const adminApi = createClient<paths>({ baseUrl: origin });
adminApi.use(auth(true));
