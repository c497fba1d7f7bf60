"""A real SMTP server on loopback (aiosmtpd), for the tests of what the portal does when sending
fails. The tests tell it how to answer each recipient; Django's real SMTP backend talks to it.

- `refuse(address, code=450)`: answers RCPT TO with a temporary refusal (certainly not sent);
  `refuse("*")` refuses every recipient (a message is refused only when all its recipients are:
  with some accepted, SMTP delivers it to those);
- `drop_after_data(address)`: takes the message, then closes the connection before answering
  DATA, as a server that crashed or timed out would: the message may have been delivered, and the
  client cannot know (an uncertain send);
- `stop()`: the server is gone; connecting is refused.

`messages` holds (recipients, subject) of every message the server received whole, dropped ones
included (they did reach it)."""

import email
import socket

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self):
        self.refused: dict[str, int] = {}
        self.dropped: set[str] = set()
        self.messages: list[tuple[list[str], str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refused.get(address.lower()) or self.refused.get("*")
        if code:
            return f"{code} 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        self.messages.append((list(envelope.rcpt_tos), str(email.header.make_header(
            email.header.decode_header(message["Subject"])))))
        if any(address.lower() in self.dropped for address in envelope.rcpt_tos):
            server.transport.close()  # received, but the client never hears so
            return None
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = Handler()
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self):
        return self.handler.messages

    def recipients(self) -> list[str]:
        return [address for recipients, _subject in self.messages for address in recipients]

    def refuse(self, address: str, code: int = 450) -> None:
        self.handler.refused[address.lower()] = code

    def drop_after_data(self, address: str) -> None:
        self.handler.dropped.add(address.lower())

    def heal(self) -> None:
        self.handler.refused.clear()
        self.handler.dropped.clear()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
