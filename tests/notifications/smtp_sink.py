"""A tiny SMTP server for tests: it speaks just enough SMTP for smtplib, records what it
receives, and can refuse a recipient (any code) or hold back its final reply to DATA (to
play a server that accepts a message but answers after the client gave up)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Behaviour:
    rcpt_reply: str = "250 OK"  # e.g. "550 5.1.1 No such mailbox" or "451 4.3.0 Try later"
    data_reply_delay: float = 0.0  # seconds to wait before answering the end of DATA
    # Seconds to hold back the answer to RCPT, one entry per connection in order (then none):
    # plays a server that hangs while a worker waits on it.
    rcpt_delays: list[float] = field(default_factory=list)
    # Replies to RCPT in order, one per recipient (then rcpt_reply): e.g. ["451 4.3.0 Try later"].
    rcpt_replies: list[str] = field(default_factory=list)
    connections: int = 0  # SMTP conversations the server has had
    received: list[bytes] = field(default_factory=list)
    rcpt_seen: threading.Event = field(default_factory=threading.Event)


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self) -> None:
        behaviour: Behaviour = self.server.behaviour  # type: ignore[attr-defined]
        behaviour.connections += 1
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command.startswith("MAIL FROM"):
                self.reply("250 OK")
            elif command.startswith("RCPT TO"):
                behaviour.rcpt_seen.set()
                if behaviour.rcpt_delays:
                    time.sleep(behaviour.rcpt_delays.pop(0))
                try:
                    self.reply(behaviour.rcpt_replies.pop(0) if behaviour.rcpt_replies else behaviour.rcpt_reply)
                except OSError:
                    return
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if not data or data == b".\r\n":
                        break
                    lines.append(data)
                behaviour.received.append(b"".join(lines))  # the server has it: "delivered"
                time.sleep(behaviour.data_reply_delay)
                try:
                    self.reply("250 OK queued")
                except OSError:
                    return
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPSink:
    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.behaviour = self.behaviour  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def messages(self) -> list[bytes]:
        return self.behaviour.received


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
