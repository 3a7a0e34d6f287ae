// The platform admin panel (/admin): password sign-in, platform figures,
// businesses (search, status filter), a business's detail, suspend /
// reactivate, "entrar como" (impersonation in a new tab, with a banner),
// editing a business through the dashboard's own screens, conversations
// across businesses by day and the activity feed.
import { useState, type FormEvent } from "react";
import { Link, NavLink, Route, Routes, useParams, useSearchParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  adminApi,
  clearAdmin,
  errorMessage,
  loadAdmin,
  saveAdmin,
  currentAdminScope as adminScope,
  setAdminScope,
  unwrap,
  type Activity,
  type AdminConversation,
} from "../api/client";
import { Dashboard } from "../App";
import { LEVEL_LABEL, SENDER_LABEL } from "../lib/words";
import { ErrorBox, Spinner } from "../components/ui";

const ORG_STATUS: Record<string, string> = {
  onboarding: "Registrándose",
  active: "Activo",
  suspended: "Suspendido",
  churned: "Dado de baja",
};

export default function Admin() {
  const [signedIn, setSignedIn] = useState(!!loadAdmin());
  if (!signedIn) return <AdminLogin onDone={() => setSignedIn(true)} />;
  const logout = () => setSignedIn(false);
  return (
    <Routes>
      <Route path="negocios/:id/panel/*" element={<ScopedDashboard />} />
      <Route path="negocios/:id" element={<Shell onLogout={logout}><OrgDetail /></Shell>} />
      <Route path="conversaciones" element={<Shell onLogout={logout}><AdminConversations /></Shell>} />
      <Route path="actividad" element={<Shell onLogout={logout}><ActivityFeed /></Shell>} />
      <Route path="*" element={<Shell onLogout={logout}><Panel /></Shell>} />
    </Routes>
  );
}

function AdminLogin({ onDone }: { onDone: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const s = unwrap(await adminApi.POST("/api/v1/admin/auth/login", { body: { password } }));
      saveAdmin({ token: s.token, expires_at: s.expires_at });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <main className="page narrow signin">
      <h1>Administración de Parlo</h1>
      <form onSubmit={submit} className="form">
        <label>
          Contraseña
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </label>
        <button type="submit" className="primary">
          Entrar
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

/** The admin's header and sections around each admin page. */
function Shell({ onLogout, children }: { onLogout: () => void; children: React.ReactNode }) {
  const qc = useQueryClient();
  if (adminScope() !== null) {
    setAdminScope(null);
    qc.clear();
  }
  const logout = async () => {
    await adminApi.POST("/api/v1/admin/auth/logout").catch(() => undefined);
    clearAdmin();
    onLogout();
  };
  return (
    <>
      <header className="top">
        <strong className="brand">Administración de Parlo</strong>
        <nav aria-label="Administración">
          <NavLink to="/admin" end>
            Negocios
          </NavLink>
          <NavLink to="/admin/conversaciones">Conversaciones</NavLink>
          <NavLink to="/admin/actividad">Actividad</NavLink>
        </nav>
        <button className="link" onClick={logout}>
          Salir
        </button>
      </header>
      {children}
    </>
  );
}

function Panel() {
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("");
  const stats = useQuery({
    queryKey: ["admin", "stats"],
    queryFn: async () =>
      unwrap(await adminApi.GET("/api/v1/admin/stats")),
  });
  const orgs = useQuery({
    queryKey: ["admin", "orgs", q, status],
    queryFn: async () =>
      unwrap(
        await adminApi.GET("/api/v1/admin/organizations", {
          params: { query: { limit: "50", ...(q ? { q } : {}), ...(status ? { status } : {}) } },
        }),
      ),
  });
  const { setOrgStatus, impersonate } = useOrgActions();
  return (
    <main className="page">
      <h1>Negocios</h1>
      {stats.data && (
        <dl className="totals">
          <div><dt>Negocios nuevos (7 días)</dt><dd>{stats.data.new_organizations_7_days}</dd></div>
          <div><dt>Con mensajes (7 días)</dt><dd>{stats.data.organizations_with_messages_7_days}</dd></div>
          {Object.entries(orgs.data?.counts ?? {}).map(([k, v]) => (
            <div key={k}><dt>{ORG_STATUS[k] ?? k}</dt><dd>{v}</dd></div>
          ))}
        </dl>
      )}
      <div className="row">
        <label>
          Buscar (nombre o número)
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          Estado
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Todos</option>
            {Object.entries(ORG_STATUS).map(([k, v]) => (
              <option key={k} value={k}>{v}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={orgs.error ?? setOrgStatus.error ?? impersonate.error} />
      {orgs.isPending && <Spinner />}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Negocio</th>
            <th scope="col">WhatsApp</th>
            <th scope="col">Estado</th>
            <th scope="col">Acciones</th>
          </tr>
        </thead>
        <tbody>
          {(orgs.data?.items ?? []).map((o) => (
            <tr key={o.id}>
              <td>
                <Link to={`/admin/negocios/${o.id}`}>{o.name}</Link>
              </td>
              <td>{o.whatsapp_number ?? "—"}</td>
              <td>{ORG_STATUS[o.status]}</td>
              <td className="actions">
                {o.status === "suspended" ? (
                  <button onClick={() => setOrgStatus.mutate({ id: o.id, suspend: false })}>Reactivar</button>
                ) : (
                  <button className="danger" onClick={() => setOrgStatus.mutate({ id: o.id, suspend: true })}>Suspender</button>
                )}
                {o.status !== "suspended" && o.status !== "churned" && (
                  <button onClick={() => impersonate.mutate(o.id)}>Entrar como</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

/** Suspend / reactivate and "entrar como", shared by the list and the detail. */
function useOrgActions() {
  const qc = useQueryClient();
  const setOrgStatus = useMutation({
    mutationFn: async ({ id, suspend }: { id: string; suspend: boolean }) => {
      const path = { params: { path: { org_id: id } } };
      return unwrap(
        suspend
          ? await adminApi.POST("/api/v1/admin/organizations/{org_id}/suspend", path)
          : await adminApi.POST("/api/v1/admin/organizations/{org_id}/reactivate", path),
      );
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ["admin"] }),
  });
  const impersonate = useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await adminApi.POST("/api/v1/admin/organizations/{org_id}/impersonate", {
          params: { path: { org_id: id } },
        }),
      ),
    onSuccess: (s) => {
      // The token travels in the fragment (never sent to a server) to a
      // new tab, which keeps it in its own sessionStorage.
      const frag = new URLSearchParams({ token: s.token, expires_at: s.expires_at });
      window.open(`/entrar-como#${frag.toString()}`, "_blank", "noopener");
    },
  });
  return { setOrgStatus, impersonate };
}

function OrgDetail() {
  const { id = "" } = useParams();
  const { setOrgStatus, impersonate } = useOrgActions();
  const d = useQuery({
    queryKey: ["admin", "org", id],
    queryFn: async () =>
      unwrap(
        await adminApi.GET("/api/v1/admin/organizations/{org_id}", { params: { path: { org_id: id } } }),
      ),
  });
  if (d.isPending) return <Spinner />;
  if (d.isError)
    return (
      <main className="page">
        <ErrorBox error={d.error} />
      </main>
    );
  const o = d.data.organization;
  return (
    <main className="page">
      <p>
        <Link to="/admin">‹ Negocios</Link>
      </p>
      <h1>{o.name}</h1>
      <dl className="facts">
        <dt>Estado</dt>
        <dd>{ORG_STATUS[o.status] ?? o.status}</dd>
        <dt>WhatsApp</dt>
        <dd>{o.whatsapp_number ?? "sin conectar"}</dd>
        <dt>Zona horaria</dt>
        <dd>{o.timezone}</dd>
        <dt>Alta</dt>
        <dd>{new Date(o.created_at).toLocaleDateString("es-MX", { dateStyle: "long" })}</dd>
        <dt>Último mensaje</dt>
        <dd>{o.last_message_at ? new Date(o.last_message_at).toLocaleString("es-MX") : "—"}</dd>
      </dl>
      <dl className="totals">
        <div><dt>Personal activo</dt><dd>{d.data.counts.staff_active}</dd></div>
        <div><dt>Servicios activos</dt><dd>{d.data.counts.services_active}</dd></div>
        <div><dt>Citas (±30 días)</dt><dd>{d.data.counts.appointments_last_and_next_30_days}</dd></div>
        <div><dt>Sucursales</dt><dd>{d.data.locations.length}</dd></div>
        <div><dt>Lugares</dt><dd>{d.data.spots.length}</dd></div>
      </dl>
      <ErrorBox error={setOrgStatus.error ?? impersonate.error} />
      <div className="actions start">
        <Link className="button primary" to={`/admin/negocios/${o.id}/panel/ajustes`}>
          Editar el negocio (ajustes, equipo, servicios, citas, clientes)
        </Link>
        {o.status === "suspended" ? (
          <button onClick={() => setOrgStatus.mutate({ id: o.id, suspend: false })}>Reactivar</button>
        ) : (
          <button className="danger" onClick={() => setOrgStatus.mutate({ id: o.id, suspend: true })}>
            Suspender
          </button>
        )}
        {o.status !== "suspended" && o.status !== "churned" && (
          <button onClick={() => impersonate.mutate(o.id)}>Entrar como</button>
        )}
        <Link className="button" to={`/admin/conversaciones?negocio=${o.id}`}>
          Ver sus conversaciones
        </Link>
      </div>
      <h2>Personal</h2>
      <ul className="list">
        {d.data.staff.map((s) => (
          <li key={s.id} className="item static">
            <span>{s.name}</span>
            <span className="time">{s.phone}</span>
            <span className="badge">{LEVEL_LABEL[s.permission_level]}</span>
            {!s.is_active && <span className="badge status-cancelled">Inactivo</span>}
          </li>
        ))}
      </ul>
      <h2>Servicios</h2>
      <ul className="list">
        {d.data.services.map((s) => (
          <li key={s.id} className="item static">
            <span>{s.name}</span>
            <span className="time">{s.duration_minutes} min</span>
            {!s.is_active && <span className="badge status-cancelled">Inactivo</span>}
          </li>
        ))}
      </ul>
    </main>
  );
}

/** The business dashboard, for an admin, on the business's admin routes. */
function ScopedDashboard() {
  const { id = "" } = useParams();
  const qc = useQueryClient();
  // Before the dashboard's first query (children subscribe before any
  // effect of this component would run): its requests go to this
  // business's admin routes, and its cache holds this business only. The
  // admin's own pages (Shell) end the scope.
  if (adminScope() !== id) {
    setAdminScope(id);
    qc.clear();
  }
  return <Dashboard key={id} scope={{ orgId: id, base: `/admin/negocios/${id}/panel` }} />;
}

function AdminConversations() {
  const [params] = useSearchParams();
  const only = params.get("negocio");
  const [open, setOpen] = useState<AdminConversation | null>(null);
  const list = useQuery({
    queryKey: ["admin", "conversations", only],
    queryFn: async () =>
      unwrap(
        await adminApi.GET("/api/v1/admin/conversations", {
          params: { query: { limit: "100", ...(only ? { org_id: only } : {}) } },
        }),
      ).items,
    refetchInterval: 10_000,
  });
  const day = (t: string) => new Date(t).toLocaleDateString("es-MX", { weekday: "long", day: "numeric", month: "long" });
  const groups: [string, AdminConversation[]][] = [];
  for (const c of list.data ?? []) {
    const d = day(c.last_message_at);
    const g = groups.find(([k]) => k === d);
    if (g) g[1].push(c);
    else groups.push([d, [c]]);
  }
  return (
    <main className="page split">
      <section className={open ? "pane hide-narrow" : "pane"} aria-label="Conversaciones de todos los negocios">
        <h1>Conversaciones</h1>
        {only && (
          <p>
            Solo un negocio. <Link to="/admin/conversaciones">Ver todos</Link>
          </p>
        )}
        <ErrorBox error={list.error} />
        {list.isPending && <Spinner />}
        {list.data?.length === 0 && <p className="empty">Aún no hay conversaciones.</p>}
        {groups.map(([d, items]) => (
          <div key={d}>
            <h2 className="day">{d}</h2>
            <ul className="list">
              {items.map((c) => (
                <li key={c.id}>
                  <button className="item" aria-current={open?.id === c.id} onClick={() => setOpen(c)}>
                    <span>{c.organization_name ?? "—"}</span>
                    <span>{c.peer_phone}</span>
                    <span className="time">
                      {new Date(c.last_message_at).toLocaleTimeString("es-MX", { hour: "numeric", minute: "2-digit" })}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
      {open && <AdminThread c={open} onBack={() => setOpen(null)} />}
    </main>
  );
}

function AdminThread({ c, onBack }: { c: AdminConversation; onBack: () => void }) {
  const messages = useQuery({
    queryKey: ["admin", "messages", c.id],
    queryFn: async () =>
      unwrap(
        await adminApi.GET("/api/v1/admin/organizations/{org_id}/conversations/{id}/messages", {
          params: { path: { org_id: c.org_id, id: c.id }, query: { limit: "100" } },
        }),
      ).items,
  });
  const items = [...(messages.data ?? [])].sort((x, y) => x.created_at.localeCompare(y.created_at));
  return (
    <section className="pane thread" aria-label={`Conversación con ${c.peer_phone}`}>
      <header>
        <button className="link show-narrow" onClick={onBack}>
          ‹ Volver
        </button>
        <h2>
          {c.peer_phone} · <Link to={`/admin/negocios/${c.org_id}`}>{c.organization_name ?? "negocio"}</Link>
        </h2>
      </header>
      <ErrorBox error={messages.error} />
      <ol className="messages" tabIndex={0} aria-label="Mensajes">
        {items.map((m) => (
          <li key={m.id} className={`msg ${m.direction}`}>
            <span className="who">{SENDER_LABEL[m.sender_type]}</span>
            <p>{m.content}</p>
            <span className="time">{new Date(m.created_at).toLocaleString("es-MX")}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function ActivityFeed() {
  const [pages, setPages] = useState<string[]>([""]);
  const feed = useQuery({
    queryKey: ["admin", "activity", pages],
    queryFn: async () => {
      const out: Activity[] = [];
      let next: string | null = null;
      for (const cursor of pages) {
        const r = unwrap(
          await adminApi.GET("/api/v1/admin/activity", {
            params: { query: { limit: "50", ...(cursor ? { cursor } : {}) } },
          }),
        );
        out.push(...r.items);
        next = r.next_cursor;
      }
      return { items: out, next };
    },
    refetchInterval: 15_000,
  });
  return (
    <main className="page">
      <h1>Actividad</h1>
      <ErrorBox error={feed.error} />
      {feed.isPending && <Spinner />}
      <ul className="list" aria-label="Actividad de la plataforma">
        {(feed.data?.items ?? []).map((a) => (
          <li key={a.id} className="item static">
            <span className="time">{new Date(a.at).toLocaleString("es-MX", { dateStyle: "short", timeStyle: "short" })}</span>
            <span>
              {a.org_id ? <Link to={`/admin/negocios/${a.org_id}`}>{a.summary}</Link> : a.summary}
            </span>
          </li>
        ))}
      </ul>
      {feed.data?.next && (
        <button onClick={() => setPages([...pages, feed.data!.next!])}>Ver más</button>
      )}
    </main>
  );
}
