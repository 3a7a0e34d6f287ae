import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorMessage, onApiReachable } from "../api/client";

export function Spinner({ label = "Cargando…" }: { label?: string }) {
  return (
    <p className="spinner" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}

/** A clear state when the device is offline or Parlo does not answer. */
export function Offline() {
  const [online, setOnline] = useState(typeof navigator === "undefined" || navigator.onLine);
  const [reachable, setReachable] = useState(true);
  useEffect(() => onApiReachable(setReachable), []);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  if (online && !reachable)
    return (
      <div className="banner offline" role="alert">
        Parlo no responde en este momento. Lo que ves puede no estar al día; seguimos intentando.
      </div>
    );
  if (online) return null;
  return (
    <div className="banner offline" role="alert">
      Sin conexión. Lo que ves puede no estar al día; reintentaremos al volver la conexión.
    </div>
  );
}

/** A modal dialog (native <dialog>: focus trap and Esc for free). */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-label={title} onClose={onClose}>
      <header>
        <h2>{title}</h2>
        <button className="link" onClick={onClose} aria-label="Cerrar">
          ✕
        </button>
      </header>
      {children}
    </dialog>
  );
}

export function Toast({ message, onDone }: { message: string | null; onDone: () => void }) {
  useEffect(() => {
    if (!message) return;
    const t = setTimeout(onDone, 6000);
    return () => clearTimeout(t);
  }, [message, onDone]);
  if (!message) return null;
  return (
    <div className="toast" role="alert">
      {message}
    </div>
  );
}
