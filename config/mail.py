"""The development mailer: emails printed to the console as 8-bit text, so a link reads whole."""

import email.policy

from django.core.mail.backends import console

# Python's default policy folds at 78 characters, and a body with a longer line (a confirmation
# link) is sent quoted-printable, whose soft line breaks cut the link in two on the console.
# RFC 5322 allows lines up to 998 characters: below that a body stays 7- or 8-bit text as written.
UNFOLDED = email.policy.default.clone(max_line_length=998)


class ConsoleEmailBackend(console.EmailBackend):
    """Django's console backend, writing each message as UTF-8 text with its lines unbroken."""

    def write_message(self, message) -> None:
        text = message.message(policy=UNFOLDED).as_bytes().decode("utf-8", "replace")
        self.stream.write(f"{text}\n")
        self.stream.write("-" * 79)
        self.stream.write("\n")
