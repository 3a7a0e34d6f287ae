import { lazy, Suspense, useContext, useEffect, useState } from "react";
import { Link, Navigate, NavLink, Route, Routes, useNavigate } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  api,
  clearSession,
  loadAdmin,
  loadSession,
  setSessionGoneHandler,
  unwrap,
} from "./api/client";
import { Business, chosenLocation, ctxOf, LOCATION_KEY, servicesQuery, staffQuery, useLocations } from "./lib/business";
import { SignIn, AuthLanding, ImpersonationLanding } from "./pages/SignIn";
import { Agenda } from "./pages/Agenda";
import { ErrorBox, Offline, Spinner } from "./components/ui";

// Less-visited screens load on demand, so the first paint stays small.
const Conversations = lazy(() => import("./pages/Conversations"));
const Customers = lazy(() => import("./pages/Customers"));
const Team = lazy(() => import("./pages/Team"));
const Services = lazy(() => import("./pages/Services"));
const Settings = lazy(() => import("./pages/Settings"));
const Stats = lazy(() => import("./pages/Stats"));
const Admin = lazy(() => import("./pages/Admin"));

export function App() {
  return (
    <>
      <Offline />
      <Routes>
        <Route path="/entrar" element={<SignIn />} />
        <Route path="/auth" element={<AuthLanding />} />
        <Route path="/entrar-como" element={<ImpersonationLanding />} />
        <Route
          path="/admin/*"
          element={
            <Suspense fallback={<Spinner />}>
              <Admin />
            </Suspense>
          }
        />
        <Route path="/*" element={<Dashboard />} />
      </Routes>
    </>
  );
}

const SECTIONS: [string, string][] = [
  ["agenda", "Agenda"],
  ["conversaciones", "Conversaciones"],
  ["clientes", "Clientes"],
  ["equipo", "Equipo"],
  ["servicios", "Servicios"],
  ["ajustes", "Ajustes"],
  ["estadisticas", "Estadísticas"],
];

/**
 * The business dashboard. `scope`: a platform admin editing a business
 * through these same screens (under /admin/negocios/{id}/panel), with the
 * admin's session and the admin mirrors of the business routes.
 */
export function Dashboard({ scope }: { scope?: { orgId: string; base: string } }) {
  const session = scope ? loadAdmin() : loadSession();
  const base = scope?.base ?? "";
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [gone, setGone] = useState<string | null>(null);
  const [locationId, setLocationIdState] = useState<string | null>(() => localStorage.getItem(LOCATION_KEY));
  const setLocationId = (id: string) => {
    localStorage.setItem(LOCATION_KEY, id);
    setLocationIdState(id);
  };
  useEffect(() => {
    setSessionGoneHandler((message) => {
      qc.clear();
      // The admin's session ended: back to the admin sign-in.
      if (scope) window.location.assign("/admin");
      else setGone(message);
    });
  }, [qc, scope]);
  // Every screen needs the team and the services: asked for beside the
  // organization, not after it (one round trip less before the agenda).
  useEffect(() => {
    if (!session) return;
    void qc.prefetchQuery(staffQuery);
    void qc.prefetchQuery(servicesQuery);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qc]);
  const org = useQuery({
    queryKey: ["organization"],
    queryFn: async () => unwrap(await api.GET("/api/v1/organization")),
    enabled: !!session,
  });
  if (gone) return <Navigate to="/entrar" replace state={{ message: gone }} />;
  if (!session) return <Navigate to={scope ? "/admin" : "/entrar"} replace />;
  if (org.isPending) return <Spinner />;
  if (org.isError)
    return (
      <main className="page narrow">
        <ErrorBox error={org.error} />
        <button onClick={() => org.refetch()}>Reintentar</button>
      </main>
    );
  const ctx = ctxOf(
    org.data,
    scope ? "owner" : (session.permission_level ?? "owner"),
    !!session.impersonated,
    locationId,
    setLocationId,
  );
  const logout = async () => {
    await api.POST("/api/v1/auth/logout").catch(() => undefined);
    clearSession();
    qc.clear();
    navigate("/entrar", { replace: true });
  };
  return (
    <Business.Provider value={ctx}>
      {ctx.impersonated && (
        <div className="banner" role="status">
          Estás viendo el panel de «{ctx.org.name}» como administrador de Parlo.
        </div>
      )}
      {scope && (
        <div className="banner" role="status">
          Editando «{ctx.org.name}» como administrador de Parlo.{" "}
          <Link to={`/admin/negocios/${scope.orgId}`}>Volver a administración</Link>
        </div>
      )}
      <header className="top">
        <strong className="brand">{ctx.org.name}</strong>
        <LocationSwitch />
        <nav aria-label="Secciones">
          {SECTIONS.map(([path, label]) => (
            <NavLink key={path} to={`${base}/${path}`}>
              {label}
            </NavLink>
          ))}
        </nav>
        {!scope && (
          <button className="link" onClick={logout}>
            Salir
          </button>
        )}
      </header>
      <Suspense fallback={<Spinner />}>
        <Routes>
          <Route path="agenda" element={<Agenda />} />
          <Route path="conversaciones" element={<Conversations />} />
          <Route path="clientes" element={<Customers />} />
          <Route path="equipo" element={<Team />} />
          <Route path="servicios" element={<Services />} />
          <Route path="ajustes" element={<Settings />} />
          <Route path="estadisticas" element={<Stats />} />
          <Route path="*" element={<Navigate to={`${base}/agenda`} replace />} />
        </Routes>
      </Suspense>
    </Business.Provider>
  );
}

/** The location switch, shown only when the business has more than one. */
function LocationSwitch() {
  const locations = useLocations();
  const ctx = useContext(Business);
  if (!ctx || !locations.data || locations.data.length < 2) return null;
  const current = chosenLocation(locations.data, ctx.locationId);
  return (
    <label className="location-switch">
      <select aria-label="Sucursal" value={current?.id} onChange={(e) => ctx.setLocationId(e.target.value)}>
        {locations.data.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
