#!/usr/bin/env python3
"""Expands the compact authoring notation (`intent|slots|text`) into JSONL.

Slots: svc=C|B|CB|T|CE (catalogue abbreviations), d=N or N..M (days after
Monday 2030-01-07), t=…, staff=…, name=…, phone=…; separated by `;`.
"""
import datetime
import json
import sys

SVC = {"C": "Corte de cabello", "B": "Arreglo de barba", "CB": "Corte y barba",
       "T": "Tinte", "CE": "Depilación de cejas"}
BASE = datetime.date(2030, 1, 7)


def day(n):
    return (BASE + datetime.timedelta(days=int(n))).isoformat()


def expand(line):
    intent, slots, text = line.split("|", 2)
    out = {}
    for part in filter(None, slots.split(";")):
        k, v = part.split("=", 1)
        if k == "svc":
            out["service"] = SVC[v]
        elif k == "d":
            a, _, b = v.partition("..")
            out["date"] = day(a) + (".." + day(b) if b else "")
        elif k == "t":
            out["time"] = {"am": "part:morning", "pm": "part:afternoon",
                           "night": "part:evening", "early": "part:early"}.get(v, v)
        else:
            out[k] = v
    return {"text": text.strip(), "intent": intent.strip(), "slots": out}


for raw in sys.stdin:
    raw = raw.rstrip("\n")
    if raw.strip() and not raw.startswith("#"):
        print(json.dumps(expand(raw), ensure_ascii=False))
