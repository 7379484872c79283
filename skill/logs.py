"""Structured (JSON) logs: one object per line, only whitelisted fields."""

from __future__ import annotations

import json
import logging

# The only extra fields a log line may carry. Nothing a couple said, no names, no ids.
ALLOWED_FIELDS = (
    "event",
    "request_type",
    "intent",
    "flow",
    "ends_session",
    "unsaved",
    "ms",
    "reason",
    "error",
    "status",
    "outcome",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name in ALLOWED_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        return json.dumps(line, default=str)


def configure(level: str = "INFO") -> None:
    """Route the skill's loggers through the JSON formatter (idempotent)."""
    logger = logging.getLogger("heart")
    logger.setLevel(level)
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
