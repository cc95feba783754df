"""A real SMTP server for the mail tests (aiosmtpd), on 127.0.0.1 only.

Usage: smtp_server.py CERT KEY OUT_DIR [implicit]

Python's own MIME parser decodes each message: NNN.json also holds the decoded From, To,
Reply-To, Subject, plain-text body and attachments (their bytes in NNN.partK files).
STARTTLS is required before anything else (or, with `implicit`, TLS from the first byte), then
AUTH (user "mailer", password "s3cret"). RCPT to an address starting with "reject" is refused
with 550. Each accepted message is written to OUT_DIR as NNN.eml, after NNN.json holding the
envelope (mail_from, rcpt_tos) and whether it came over TLS and authenticated. The chosen port is
printed on stdout; the server runs until stdin closes.
"""

import email
import email.policy
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Handler:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, "%03d" % self.count)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for n, part in enumerate(message.iter_attachments()):
            path = "%s.part%d" % (base, n)
            with open(path, "wb") as f:
                f.write(part.get_content())
            parts.append(
                {"filename": part.get_filename(), "content_type": part.get_content_type(), "path": path}
            )
        body = message.get_body(preferencelist=("plain",))
        with open(base + ".json", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                    "from": str(message["From"]),
                    "to": str(message["To"]),
                    "reply_to": str(message["Reply-To"]) if message["Reply-To"] else None,
                    "subject": str(message["Subject"]),
                    "body": body.get_content() if body is not None else None,
                    "attachments": parts,
                },
                f,
            )
        with open(base + ".tmp", "wb") as f:
            f.write(raw)
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 Message accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    cert, key, out = sys.argv[1:4]
    implicit = len(sys.argv) > 4 and sys.argv[4] == "implicit"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    common = dict(
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=True,
    )
    if implicit:
        controller = Controller(
            Handler(out), hostname="127.0.0.1", port=port, ssl_context=context, **common
        )
    else:
        controller = Controller(
            Handler(out),
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            **common,
        )
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()


main()
