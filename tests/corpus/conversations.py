#!/usr/bin/env python3
"""Writes conversations.jsonl: multi-turn customer conversations with the
expected end state (tests/conversations_corpus.rs runs them through the
real turn). Business: Barbería Don Carlos, Mon-Sat 10:00-20:00, closed on
Sundays; staff Carlos Méndez (owner), Pedro Ruiz, Ana Torres; clock Monday
2030-01-07 10:00 local, a minute per message.

Customers: "new" (never wrote), or known by name ("Juan Pérez"), maybe with
an appointment already booked (corte de cabello, setup.booked local time).
expect.appointments lists every appointment of the customer afterwards:
service, status, and the local start ("at") or only its date ("date").
"""
import json

C, B, CB, T, CE = "Corte de cabello", "Arreglo de barba", "Corte y barba", "Tinte", "Depilación de cejas"
SAT11 = "2030-01-12T11:00"


def conv(cid, turns, appts, name=None, booked=None, handed_off=False, owner_told=None, staff=None):
    return {"id": cid, "setup": {"name": name, "booked": booked}, "turns": turns,
            "expect": {"appointments": appts, "handed_off": handed_off, "owner_told": owner_told,
                       "staff": staff}}


def a(service, at=None, status="confirmed", date=None):
    d = {"service": service, "status": status}
    if at:
        d["at"] = at
    if date:
        d["date"] = date
    return d


out = [
    # Everything up front (new customers): one summary/name question, then booked.
    conv("upfront-name-question", ["quiero un corte mañana a las 4", "Luis Ortega"], [a(C, "2030-01-08T16:00")], owner_told="Nueva cita"),
    conv("upfront-with-name", ["hola soy ana gomez quiero corte hoy a las 5", "si"], [a(C, "2030-01-07T17:00")]),
    conv("upfront-a-nombre-de", ["un corte el viernes a las 6 a nombre de Sofía Ramírez porfa", "sí"], [a(C, "2030-01-11T18:00")]),
    conv("upfront-si-a-nombre", ["corte y barba el jueves a las 11", "sí, a nombre de Luis Ortega"], [a(CB, "2030-01-10T11:00")]),
    conv("upfront-spain", ["Hola buenas! Quería pedir cita para cortarme el pelo mañana a las cinco y media de la tarde", "Rosa Díaz"], [a(C, "2030-01-08T17:30")]),
    conv("upfront-runon", ["Holaaa buenas tardes oye quería ver si me puedes agendar para un corte mañana como a las 4 porfa soy Marco Antonio", "va"], [a(C, "2030-01-08T16:00")]),
    conv("upfront-emoji", ["✂️ corte mañana 11am plis", "Jorge 👍"], [a(C, "2030-01-08T11:00")]),
    conv("upfront-barba", ["barba el sabado a las 11", "me llamo Pepe Lara"], [a(B, SAT11)]),
    conv("upfront-tinte", ["tinte el jueves a las 12 porfa", "Mariana López"], [a(T, "2030-01-10T12:00")]),
    conv("upfront-cejas", ["cejas hoy a las 6pm", "Fer"], [a(CE, "2030-01-07T18:00")]),
    conv("upfront-pa", ["pa mañana a las 5 un corte", "Beto"], [a(C, "2030-01-08T17:00")]),
    conv("upfront-con-staff", ["corte mañana a las 4 con pedro", "Luis"], [a(C, "2030-01-08T16:00")], staff="Pedro"),
    conv("upfront-with-staff-and-name", ["corte el sabado a las 11 con ana, a nombre de Rita", "si porfa"], [a(C, SAT11)], staff="Ana"),
    # Only the service: day, time, name.
    conv("service-only", ["quiero un corte", "mañana a las 4", "Juan Pérez"], [a(C, "2030-01-08T16:00")]),
    conv("service-only-part-of-day", ["quiero un corte", "mañana en la tarde", "a las 4", "Juan"], [a(C, "2030-01-08T16:00")]),
    conv("service-only-pick-first", ["kiero corte y barva", "el viernes", "la primera", "Toño"], [a(CB, date="2030-01-11")]),
    conv("service-only-spain", ["Quería pedir cita para un corte", "vale, el jueves por la tarde", "a las 5", "Lucía"], [a(C, "2030-01-10T17:00")]),
    conv("greeting-then-book", ["hola buenas", "quiero agendar una cita", "un corte", "mañana a las 12", "Raúl"], [a(C, "2030-01-08T12:00")]),
    conv("day-first", ["tienen lugar mañana?", "un corte", "a las 11", "Memo"], [a(C, "2030-01-08T11:00")]),
    conv("time-first", ["mañana a las 4", "corte", "Luis"], [a(C, "2030-01-08T16:00")]),
    conv("ahorita", ["ahorita puedo pasar pa un corte?", "a las 12", "Chuy"], [a(C, "2030-01-07T12:00")]),
    conv("fin-de-semana", ["corte el fin de semana", "el sabado a las 11", "Paco"], [a(C, SAT11)]),
    conv("proxima-semana", ["corte la proxima semana", "el martes a las 4", "Ivan"], [a(C, "2030-01-15T16:00")]),
    conv("el-15", ["quiero cita para corte el 15", "a las 10", "Gil"], [a(C, "2030-01-15T10:00")]),
    # Known customers: a summary to confirm.
    conv("known-confirms", ["Hola, quiero un corte el sábado a las 5 de la tarde", "Sí"], [a(C, "2030-01-12T17:00")], name="Juan Pérez"),
    conv("known-confirms-emoji", ["barba mañana a la 1", "👍"], [a(B, "2030-01-08T13:00")], name="Juan Pérez"),
    conv("known-changes-staff", ["corte mañana a las 4", "mejor con pedro", "si"], [a(C, "2030-01-08T16:00")], name="Juan Pérez", staff="Pedro"),
    conv("known-no-then-time", ["corte mañana a las 4", "no, mejor a las 5", "si"], [a(C, "2030-01-08T17:00")], name="Juan Pérez"),
    conv("known-no-other-day", ["corte mañana a las 4", "no, mejor el viernes a las 5", "sale"], [a(C, "2030-01-11T17:00")], name="Juan Pérez"),
    conv("known-says-no", ["corte mañana a las 4", "no", "el jueves a las 11", "si"], [a(C, "2030-01-10T11:00")], name="Juan Pérez"),
    conv("known-vale", ["vale, corte y barba el sábado a las 10", "vale"], [a(CB, "2030-01-12T10:00")], name="Carmen Ruiz"),
    # Interruptions: answered, the booking resumes.
    conv("interrupt-price", ["quiero un corte mañana", "cuanto cuesta?", "a las 4", "Rosa"], [a(C, "2030-01-08T16:00")]),
    conv("interrupt-hours", ["quiero un corte", "a que hora abren?", "mañana a las 11", "Lalo"], [a(C, "2030-01-08T11:00")]),
    conv("interrupt-address", ["corte el viernes", "donde estan?", "a las 5", "Rocío"], [a(C, "2030-01-11T17:00")]),
    conv("interrupt-my-appointments", ["corte el viernes a las 5", "que citas tengo?", "si"], [a(C, "2030-01-11T17:00"), a(C, SAT11)], name="Juan Pérez", booked=SAT11),
    conv("interrupt-services", ["quiero una cita", "que servicios tienen?", "corte y barba mañana a las 6", "Quique"], [a(CB, "2030-01-08T18:00")]),
    # Starting over.
    conv("restart-otro-dia", ["corte mañana a las 4", "mejor otro dia", "el jueves a las 12", "Beto"], [a(C, "2030-01-10T12:00")]),
    conv("restart-espera", ["corte mañana a las 4", "no, espera", "el viernes a las 5", "Luis"], [a(C, "2030-01-11T17:00")]),
    conv("abort-olvidalo", ["corte mañana a las 4", "olvidalo"], []),
    conv("abort-mejor-no", ["quiero un corte", "mejor no"], []),
    # Unavailable times: a true answer and real alternatives.
    conv("closed-sunday", ["me puedes agendar un corte el domingo?", "el lunes a las 11 entonces", "Rafa"], [a(C, "2030-01-14T11:00")]),
    conv("before-opening", ["corte mañana a las 8 de la mañana", "a las 10 entonces", "Rafa"], [a(C, "2030-01-08T10:00")]),
    conv("after-closing", ["corte mañana a las 9 de la noche", "la ultima", "Rafa"], [a(C, date="2030-01-08")]),
    conv("past-time", ["corte hoy a las 9 de la mañana", "a las 12", "Rafa"], [a(C, "2030-01-07T12:00")]),
    # Cancelling.
    conv("cancel-simple", ["cancela mi cita porfa", "si"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11, owner_told="cancel"),
    conv("cancel-ya-no-voy", ["ya no voy a poder ir, una disculpa", "sí"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11),
    conv("cancel-typo", ["cansela la sita", "si"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11),
    conv("cancel-changed-mind", ["cancela mi cita", "no"], [a(C, SAT11)], name="Juan Pérez", booked=SAT11),
    conv("cancel-spain", ["Hola, quería anular la cita que tengo", "sí, gracias"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11),
    conv("cancel-nothing", ["cancela mi cita"], [], name="Juan Pérez"),
    conv("cancel-after-junk", ["asdfgh", "jajaja", "???", "mmm", "🤔", "cancela mi cita", "si"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11),
    conv("cancel-after-menu-number", ["blorp", "4", "si"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11),
    conv("cancel-while-waiting-for-person", ["quiero hablar con una persona", "cancela mi cita porfa", "si"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11, handed_off=True),
    conv("cancel-mid-booking", ["quiero un corte mañana", "cancela mi cita", "si"], [a(C, SAT11, "cancelled")], name="Juan Pérez", booked=SAT11),
    # Moving.
    conv("move-direct", ["quiero cambiar mi cita", "el viernes a las 5"], [a(C, "2030-01-11T17:00")], name="Juan Pérez", booked=SAT11, owner_told="movida"),
    conv("move-one-message", ["me la cambias para el lunes a las 4?"], [a(C, "2030-01-14T16:00")], name="Juan Pérez", booked=SAT11),
    conv("move-pick", ["puedo mover mi cita pal viernes?", "a las 12"], [a(C, "2030-01-11T12:00")], name="Juan Pérez", booked=SAT11),
    conv("move-spain", ["me ha surgido algo, ¿podéis cambiarme la cita?", "el jueves a las 6 de la tarde"], [a(C, "2030-01-10T18:00")], name="Juan Pérez", booked=SAT11),
    conv("move-keep", ["necesito cambiar mi cita", "no, asi dejala"], [a(C, SAT11)], name="Juan Pérez", booked=SAT11),
    conv("move-typo", ["kiero cambiar mi sita", "mañana a las 11"], [a(C, "2030-01-08T11:00")], name="Juan Pérez", booked=SAT11),
    # My appointments, questions: nothing changes.
    conv("my-appointments", ["q citas tengo"], [a(C, SAT11)], name="Juan Pérez", booked=SAT11),
    conv("my-appointments-none", ["tengo cita?"], [], name="Juan Pérez"),
    conv("prices", ["cuanto cuesta el corte?", "gracias"], []),
    conv("hours", ["a q hora abren", "ok gracias"], []),
    conv("location", ["dnd quedan?"], []),
    conv("thanks-only", ["gracias!!"], []),
    # A person asked for.
    conv("talk-to-human", ["quiero hablar con una persona"], [], handed_off=True, owner_told="persona"),
    conv("talk-to-human-menu", ["blorp", "zzz", "7"], [], handed_off=True),
    conv("talk-to-human-word", ["zzz", "persona"], [], handed_off=True),
    # Misunderstandings never end in silence, then a booking.
    conv("junk-then-book", ["asdf", "no se", "quiero un corte mañana a las 4", "Luis"], [a(C, "2030-01-08T16:00")]),
    conv("menu-book", ["🤔", "1", "corte mañana a las 11", "Luis"], [a(C, "2030-01-08T11:00")]),
    conv("misses-in-flow", ["quiero un corte", "blorp", "flarp", "mañana a las 4", "Luis"], [a(C, "2030-01-08T16:00")]),
    # Several requests in one message.
    conv("price-and-book", ["cuanto cuesta el corte? y si hay mañana a las 4 me apartas uno", "Luis"], [a(C, "2030-01-08T16:00")]),
    conv("book-and-price", ["quiero corte el sábado a las 11 y cuánto sale?", "Luis"], [a(C, SAT11)]),
    # Staff by name, typed sloppily.
    conv("staff-typo", ["corte con ana mañana a las 12", "si, soy Laura"], [a(C, "2030-01-08T12:00")], staff="Ana"),
    conv("staff-after-summary", ["corte mañana a las 4, soy Luis", "mejor con ana", "va"], [a(C, "2030-01-08T16:00")], staff="Ana"),
    # A preference shown: they choose.
    conv("asks-who", ["corte mañana a las 4, con quien puede ser?", "con pedro", "Luis"], [a(C, "2030-01-08T16:00")], staff="Pedro"),
    conv("asks-who-any", ["quiero corte mañana a las 4 y con quien?", "cualquiera", "Luis"], [a(C, "2030-01-08T16:00")]),
    # Phone in the message.
    conv("phone-in-message", ["quiero un corte mañana a las 4, mi cel es 33 1234 5678", "Luis"], [a(C, "2030-01-08T16:00")]),
    # Yes with a name at the summary.
    conv("yes-and-name-at-summary", ["corte mañana a las 4 a nombre de Luis", "sí, a nombre de Luis Ortega"], [a(C, "2030-01-08T16:00")]),
    # Bookings said without a verb.
    conv("no-verb", ["corte sabado 11am", "Nacho"], [a(C, SAT11)]),
    conv("no-verb-2", ["jueves 3:30 corte", "Nacho"], [a(C, "2030-01-10T15:30")]),
    conv("no-verb-3", ["tinte sabado 10 am porfa", "Nacho"], [a(T, "2030-01-12T10:00")]),
    conv("no-verb-4", ["mñn a las 4 un cortecito", "Nacho"], [a(C, "2030-01-08T16:00")]),
    conv("diminutive", ["quiero un cortecito pa mañana a las 5", "Nacho"], [a(C, "2030-01-08T17:00")]),
    conv("between", ["corte el viernes entre 3 y 5", "a las 4", "Nacho"], [a(C, "2030-01-11T16:00")]),
    conv("after", ["corte mañana despues de las 6", "a las 7", "Nacho"], [a(C, "2030-01-08T19:00")]),
    conv("y-media", ["corte mañana a las 3 y media", "Nacho"], [a(C, "2030-01-08T15:30")]),
    conv("cuarto-para", ["corte mañana cuarto para las 5", "Nacho"], [a(C, "2030-01-08T16:45")]),
    conv("mediodia", ["barba mañana al mediodia", "Nacho"], [a(B, "2030-01-08T12:00")]),
    # Either of two days, and what is only mentioned (work, the past).
    conv("either-day", ["corte el jueves o el viernes en la tarde porfa", "el viernes a las 5", "Nacho"], [a(C, "2030-01-11T17:00")]),
    conv("work-hour-is-context", ["salgo de la chamba a las 3 pero el corte lo quiero el sabado a las 11", "Nacho"], [a(C, SAT11)]),
    # What the independent batches of 2026-12-07 taught: bare answers,
    # corrections, a refused teammate, numbers in words, a complaint.
    conv("answer-con-staff", ["corte mañana a las 4", "con pedro", "Nacho"], [a(C, "2030-01-08T16:00")], staff="Pedro"),
    conv("answer-bare-name", ["quiero un corte el viernes a las 11", "Ramiro Castañeda"], [a(C, "2030-01-11T11:00")]),
    conv("self-correction", ["corte el jueves a las 4, no perdón, a las 5", "Nacho"], [a(C, "2030-01-10T17:00")]),
    conv("refused-teammate", ["la ultima vez me atendio pedro, pero ahora quiero con carlos, corte el viernes a las 12", "Nacho"], [a(C, "2030-01-11T12:00")], staff="Carlos"),
    conv("dictated-numbers", ["quiero una cita para corte el quince de enero a las diez de la mañana", "Nacho"], [a(C, "2030-01-15T10:00")]),
    conv("terse", ["corte jue 4", "Nacho"], [a(C, "2030-01-10T16:00")]),
    conv("child-by-name", ["mi hijo Joaquín quiere un corte el sabado a las 11", "sí"], [a(C, SAT11)]),
    conv("complaint-goes-to-a-person", ["me cobraron doble el corte de ayer"], [], name="Juan Pérez", handed_off=True),
    conv("past-visit-is-context", ["el martes pasado vine a las 5 con Carlos, ahora quiero barba mañana a las 12", "Nacho"], [a(B, "2030-01-08T12:00")]),
]

ids = [c["id"] for c in out]
assert len(ids) == len(set(ids)), "duplicate ids"
for c in out:
    print(json.dumps(c, ensure_ascii=False))
