// The platform admin panel (/admin): password sign-in, platform figures,
// businesses (search, status filter), suspend / reactivate and "entrar
// como" (impersonation in a new tab, with a banner).
import { useState, type FormEvent } from "react";
import { Route, Routes } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { adminApi, clearAdmin, errorMessage, loadAdmin, saveAdmin, unwrap, type Organization } from "../api/client";
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
  return (
    <Routes>
      <Route path="*" element={<Panel onLogout={() => setSignedIn(false)} />} />
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

interface OrgList {
  items: Organization[];
  next_cursor: string | null;
  counts: Record<string, number>;
}

function Panel({ onLogout }: { onLogout: () => void }) {
  const qc = useQueryClient();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("");
  const stats = useQuery({
    queryKey: ["admin", "stats"],
    queryFn: async () =>
      unwrap(await adminApi.GET("/api/v1/admin/stats")) as unknown as {
        new_organizations_7_days: number;
        organizations_with_messages_7_days: number;
      },
  });
  const orgs = useQuery({
    queryKey: ["admin", "orgs", q, status],
    queryFn: async () =>
      unwrap(
        await adminApi.GET("/api/v1/admin/organizations", {
          params: { query: { limit: "50", ...(q ? { q } : {}), ...(status ? { status } : {}) } },
        }),
      ) as unknown as OrgList,
  });
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
  const logout = async () => {
    await adminApi.POST("/api/v1/admin/auth/logout").catch(() => undefined);
    clearAdmin();
    onLogout();
  };
  return (
    <main className="page">
      <header className="row spread">
        <h1>Administración</h1>
        <button className="link" onClick={logout}>
          Salir
        </button>
      </header>
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
              <td>{o.name}</td>
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
