"""A logging filter that blanks feed tokens out of log lines (request lines of runserver, gunicorn...).

Wire it into LOGGING (config/settings.py) on the console handler:
    "filters": {"redact_feed_tokens": {"()": "feeds.logging.RedactFeedTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_feed_tokens"]}},
"""

import logging
import re

# /feeds/<token>.ics: the token is everything between /feeds/ and .ics that is not a busy feed path.
TOKEN_IN_PATH = re.compile(r"(/feeds/)(?!busy/)[A-Za-z0-9_\-]{8,}(\.ics)")
# /display/<token>/: a venue's today page for the screen in the hall (feeds.display).
DISPLAY_TOKEN_IN_PATH = re.compile(r"(/display/)[A-Za-z0-9_\-]{8,}(/)")


def redact(text: str) -> str:
    return DISPLAY_TOKEN_IN_PATH.sub(r"\1[token]\2", TOKEN_IN_PATH.sub(r"\1[token]\2", text))


class RedactFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
