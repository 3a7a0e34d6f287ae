import { lazy, Suspense, useEffect, useState } from "react";
import { Navigate, NavLink, Route, Routes, useNavigate } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  api,
  clearSession,
  loadSession,
  setSessionGoneHandler,
  unwrap,
} from "./api/client";
import { Business, ctxOf } from "./lib/business";
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

function Dashboard() {
  const session = loadSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [gone, setGone] = useState<string | null>(null);
  useEffect(() => {
    setSessionGoneHandler((message) => {
      setGone(message);
      qc.clear();
    });
  }, [qc]);
  const org = useQuery({
    queryKey: ["organization"],
    queryFn: async () => unwrap(await api.GET("/api/v1/organization")),
    enabled: !!session,
  });
  if (gone) return <Navigate to="/entrar" replace state={{ message: gone }} />;
  if (!session) return <Navigate to="/entrar" replace />;
  if (org.isPending) return <Spinner />;
  if (org.isError)
    return (
      <main className="page narrow">
        <ErrorBox error={org.error} />
        <button onClick={() => org.refetch()}>Reintentar</button>
      </main>
    );
  const ctx = ctxOf(org.data, session.permission_level ?? "owner", !!session.impersonated);
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
      <header className="top">
        <strong className="brand">{ctx.org.name}</strong>
        <nav aria-label="Secciones">
          <NavLink to="/agenda">Agenda</NavLink>
          <NavLink to="/conversaciones">Conversaciones</NavLink>
          <NavLink to="/clientes">Clientes</NavLink>
          <NavLink to="/equipo">Equipo</NavLink>
          <NavLink to="/servicios">Servicios</NavLink>
          <NavLink to="/ajustes">Ajustes</NavLink>
          <NavLink to="/estadisticas">Estadísticas</NavLink>
        </nav>
        <button className="link" onClick={logout}>
          Salir
        </button>
      </header>
      <Suspense fallback={<Spinner />}>
        <Routes>
          <Route path="/agenda" element={<Agenda />} />
          <Route path="/conversaciones" element={<Conversations />} />
          <Route path="/clientes" element={<Customers />} />
          <Route path="/equipo" element={<Team />} />
          <Route path="/servicios" element={<Services />} />
          <Route path="/ajustes" element={<Settings />} />
          <Route path="/estadisticas" element={<Stats />} />
          <Route path="*" element={<Navigate to="/agenda" replace />} />
        </Routes>
      </Suspense>
    </Business.Provider>
  );
}
