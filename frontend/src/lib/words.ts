import type { Region } from "./time";

// The few words Mexico and Spain say differently; everything else is shared
// neutral Spanish.
const WORDS = {
  phone: { MX: "Celular", ES: "Móvil" },
  book: { MX: "Agendar", ES: "Reservar" },
  newAppointment: { MX: "Agendar cita", ES: "Reservar cita" },
  booked: { MX: "Cita agendada", ES: "Cita reservada" },
  staffMember: { MX: "Empleado", ES: "Empleado" },
  takeOver: { MX: "Tomar la conversación", ES: "Atender la conversación" },
} as const;

export type WordKey = keyof typeof WORDS;

export function word(key: WordKey, region: Region): string {
  return WORDS[key][region];
}

export const STATUS_LABEL: Record<string, string> = {
  pending: "Pendiente",
  confirmed: "Confirmada",
  completed: "Completada",
  cancelled: "Cancelada",
  no_show: "No asistió",
};

export const SOURCE_LABEL: Record<string, string> = {
  whatsapp: "WhatsApp (chat)",
  web: "Panel",
  manual: "Panel",
  walk_in: "Sin cita (llegó al local)",
};

export const SENDER_LABEL: Record<string, string> = {
  customer: "Cliente",
  ai: "Asistente",
  staff: "Negocio",
};

export const LEVEL_LABEL: Record<string, string> = {
  owner: "Dueño",
  admin: "Administrador",
  staff: "Empleado",
  viewer: "Solo lectura",
};

/** Twilio's delivery statuses of an outbound message, in Spanish. */
export const DELIVERY_LABEL: Record<string, string> = {
  accepted: "en cola",
  scheduled: "programado",
  queued: "en cola",
  sending: "enviando",
  sent: "enviado",
  delivered: "entregado",
  read: "leído",
  undelivered: "no entregado",
  failed: "no se pudo enviar",
  received: "recibido",
};
