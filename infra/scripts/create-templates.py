#!/usr/bin/env python3
"""Creates Parlo's WhatsApp templates through Twilio's Content API and asks
WhatsApp to approve them.

Run by a person with credentials, once per Twilio account (and again when
shared/app/templates/whatsapp.json changes):

    TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... infra/scripts/create-templates.py
    infra/scripts/create-templates.py --dry-run     # print what would be sent

For each template of the catalogue it creates a Content resource
(twilio/text with the body and sample variables) and submits a WhatsApp
approval request with the template's name and category. It prints the
TEMPLATE_<KIND> (and TEMPLATE_<KIND>_ES_ES) parameters to set, with the new
ContentSids. Templates that already exist (same friendly name) are reused,
so a second run creates nothing twice. Nothing secret is printed.
"""
import argparse
import base64
import json
import os
import pathlib
import sys
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "shared" / "app" / "templates" / "whatsapp.json"
API = os.environ.get("TWILIO_CONTENT_BASE_URL", "https://content.twilio.com")


def request(method, path, body=None):
    sid = os.environ["TWILIO_ACCOUNT_SID"]
    token = os.environ["TWILIO_AUTH_TOKEN"]
    auth = base64.b64encode(f"{sid}:{token}".encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("Authorization", "Basic " + auth)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read() or b"{}")


def existing():
    found, path = {}, "/v1/Content?PageSize=500"
    while path:
        page = request("GET", path)
        for c in page.get("contents", []):
            found[c["friendly_name"]] = c["sid"]
        nxt = page.get("meta", {}).get("next_page_url")
        path = nxt[len(API):] if nxt else None
    return found


def content_body(t):
    return {
        "friendly_name": t["name"],
        "language": t["language"].split("_")[0],
        "variables": {str(i + 1): v for i, v in enumerate(t["variables"])},
        "types": {"twilio/text": {"body": t["body"]}},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    templates = json.loads(CATALOGUE.read_text(encoding="utf-8"))["templates"]
    if args.dry_run:
        for t in templates:
            print(json.dumps({"POST /v1/Content": content_body(t),
                              "then ApprovalRequests/whatsapp": {"name": t["name"], "category": t["category"].upper()}},
                             ensure_ascii=False))
        return 0
    have = existing()
    for t in templates:
        sid = have.get(t["name"])
        if sid is None:
            sid = request("POST", "/v1/Content", content_body(t))["sid"]
            try:
                request("POST", f"/v1/Content/{sid}/ApprovalRequests/whatsapp",
                        {"name": t["name"], "category": t["category"].upper()})
            except urllib.error.HTTPError as e:
                print(f"# {t['name']}: approval request refused ({e.code}); submit it in the console", file=sys.stderr)
        suffix = "_ES_ES" if t["language"] == "es_ES" else ""
        print(f"TEMPLATE_{t['kind'].upper()}{suffix}={sid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
