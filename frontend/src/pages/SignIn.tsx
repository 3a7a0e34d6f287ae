import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { api, errorMessage, saveSession, unwrap, type Session } from "../api/client";

export function SignIn() {
  const [phone, setPhone] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const location = useLocation();
  const notice = (location.state as { message?: string } | null)?.message;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = unwrap(
        await api.POST("/api/v1/auth/request-magic-link", { body: { phone } }),
      );
      setSent(r.message);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="page narrow signin">
      <h1>Entra a tu panel</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {sent ? (
        <>
          <p role="status">{sent}</p>
          <p>Abre el enlace que te enviamos por WhatsApp desde este dispositivo.</p>
          <button className="link" onClick={() => setSent(null)}>
            Usar otro número
          </button>
        </>
      ) : (
        <form onSubmit={submit}>
          <label htmlFor="phone">Tu número de WhatsApp</label>
          <input
            id="phone"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            placeholder="55 1234 5678"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            required
          />
          <button type="submit" disabled={busy}>
            {busy ? "Enviando…" : "Enviarme un enlace por WhatsApp"}
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </main>
  );
}

// A link is redeemed once: StrictMode's double effect must not spend it twice.
const redeeming = new Map<string, Promise<Session>>();

export function AuthLanding() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!token) {
      setError("Este enlace está incompleto. Pide uno nuevo.");
      return;
    }
    let p = redeeming.get(token);
    if (!p) {
      p = api
        .POST("/api/v1/auth/verify-magic-link", { body: { token } })
        .then((r) => unwrap(r));
      redeeming.set(token, p);
    }
    let live = true;
    p.then(
      (s) => {
        if (!live) return;
        saveSession({
          token: s.token,
          expires_at: s.expires_at,
          business: s.business,
          staff: s.staff,
          permission_level: s.permission_level,
        });
        navigate("/agenda", { replace: true });
      },
      (e) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [token, navigate]);
  return (
    <main className="page narrow signin">
      <h1>Entrando…</h1>
      {error ? (
        <>
          <p className="error" role="alert">
            {error}
          </p>
          <p>
            Los enlaces duran 15 minutos y sirven una sola vez.{" "}
            <Link to="/entrar">Pedir un enlace nuevo</Link>
          </p>
        </>
      ) : (
        <p role="status">Verificando tu enlace…</p>
      )}
    </main>
  );
}

/** An admin's "entrar como": the token arrives in the fragment, stays in this tab. */
export function ImpersonationLanding() {
  const navigate = useNavigate();
  useEffect(() => {
    const f = new URLSearchParams(window.location.hash.slice(1));
    const token = f.get("token");
    const expires_at = f.get("expires_at");
    history.replaceState(null, "", "/entrar-como");
    if (token && expires_at) {
      saveSession({ token, expires_at, permission_level: "owner", impersonated: true });
      navigate("/agenda", { replace: true });
    } else {
      navigate("/entrar", { replace: true });
    }
  }, [navigate]);
  return <p role="status">Entrando…</p>;
}
