import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Conversation } from "../api/client";
import { atLeast, useBusiness } from "../lib/business";
import { formatDay, formatTime } from "../lib/time";
import { DELIVERY_LABEL, SENDER_LABEL } from "../lib/words";
import { ErrorBox, Spinner } from "../components/ui";

const STATUS: Record<string, string> = {
  handed_off: "La atiende el negocio",
  active: "La atiende el asistente",
  resolved: "Resuelta",
};

export default function Conversations() {
  const b = useBusiness();
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["conversations"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/conversations", { params: { query: { limit: "100" } } })).items,
    refetchInterval: 5_000,
  });
  const sorted = [...(list.data ?? [])].sort(
    (x, y) =>
      Number(y.status === "handed_off") - Number(x.status === "handed_off") ||
      y.last_message_at.localeCompare(x.last_message_at),
  );
  const current = sorted.find((c) => c.id === selected);
  return (
    <main className="page split">
      <section className={current ? "pane hide-narrow" : "pane"} aria-label="Conversaciones">
        <h1>Conversaciones</h1>
        <ErrorBox error={list.error} />
        {list.isPending && <Spinner />}
        {list.data && sorted.length === 0 && <p className="empty">Aún no hay conversaciones.</p>}
        <ul className="list">
          {sorted.map((c) => (
            <li key={c.id}>
              <button className="item" aria-current={c.id === selected} onClick={() => setSelected(c.id)}>
                <span>{c.peer_phone}</span>
                <span className={`badge conv-${c.status}`}>{STATUS[c.status]}</span>
                <span className="time">
                  {formatDay(c.last_message_at, b.tz)} {formatTime(c.last_message_at, b.tz)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {current && <Thread c={current} onBack={() => setSelected(null)} />}
    </main>
  );
}

function Thread({ c, onBack }: { c: Conversation; onBack: () => void }) {
  const b = useBusiness();
  const qc = useQueryClient();
  const [text, setText] = useState("");
  const clientId = useRef(crypto.randomUUID());
  const messages = useQuery({
    queryKey: ["messages", c.id],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/conversations/{id}/messages", {
          params: { path: { id: c.id }, query: { limit: "100" } },
        }),
      ).items,
    refetchInterval: 4_000,
  });
  const send = useMutation({
    mutationFn: async (body: string) =>
      unwrap(
        await api.POST("/api/v1/conversations/{id}/messages", {
          params: { path: { id: c.id } },
          body: { body, client_id: clientId.current },
        }),
      ),
    onSuccess: async () => {
      setText("");
      clientId.current = crypto.randomUUID();
      await qc.invalidateQueries({ queryKey: ["messages", c.id] });
      await qc.invalidateQueries({ queryKey: ["conversations"] });
    },
  });
  const release = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/v1/conversations/{id}/release", { params: { path: { id: c.id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["conversations"] }),
  });
  const takeOver = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/v1/conversations/{id}/take-over", { params: { path: { id: c.id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["conversations"] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) send.mutate(text.trim());
  };
  const canWrite = atLeast(b.level, "staff");
  const items = [...(messages.data ?? [])].sort((x, y) => x.created_at.localeCompare(y.created_at));
  return (
    <section className="pane thread" aria-label={`Conversación con ${c.peer_phone}`}>
      <header>
        <button className="link show-narrow" onClick={onBack}>
          ‹ Volver
        </button>
        <h2>{c.peer_phone}</h2>
        <span className={`badge conv-${c.status}`}>{STATUS[c.status]}</span>
        {canWrite && c.status === "handed_off" && (
          <button onClick={() => release.mutate()} disabled={release.isPending}>
            Devolver al asistente
          </button>
        )}
        {canWrite && c.status !== "handed_off" && c.kind === "customer" && (
          <button onClick={() => takeOver.mutate()} disabled={takeOver.isPending}>
            Atender yo
          </button>
        )}
      </header>
      <ErrorBox error={messages.error ?? release.error ?? takeOver.error} />
      <ol className="messages" tabIndex={0} aria-label="Mensajes">
        {items.map((m) => (
          <li key={m.id} className={`msg ${m.direction}`}>
            <span className="who">{SENDER_LABEL[m.sender_type]}</span>
            <p>{m.content}</p>
            <span className="time">
              {formatTime(m.created_at, b.tz)}
              {m.delivery_status && DELIVERY_LABEL[m.delivery_status] ? ` · ${DELIVERY_LABEL[m.delivery_status]}` : ""}
            </span>
          </li>
        ))}
      </ol>
      {canWrite && (
        <form className="reply" onSubmit={submit}>
          <label htmlFor="reply" className="sr-only">
            Responder como el negocio
          </label>
          <input
            id="reply"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Escribe como el negocio…"
            maxLength={1600}
          />
          <button type="submit" className="primary" disabled={send.isPending || !text.trim()}>
            Enviar
          </button>
        </form>
      )}
      <ErrorBox error={send.error} />
    </section>
  );
}
