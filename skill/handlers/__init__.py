"""Request handlers, one module per feature, one class per intent.

The order below is the dispatch order: feature handlers that act inside their own
flows come first, the generic built-ins (help, stop, fallback, ...) last, so that
"next" in a ritual moves the ritual on while "next" anywhere else still answers.
"""

from __future__ import annotations

from . import builtins, checkin, game, names, privacy, progress, questions, reminders, ritual, safety, tips

# Feature modules, in dispatch order. A module may also offer ``resume_offer(turn)``
# (something unfinished tonight) which launch and "go on" look for.
FEATURE_MODULES: tuple = (safety, privacy, reminders, checkin, progress, ritual, game, questions, names, tips)


def request_handlers() -> list:
    handlers: list = []
    for module in FEATURE_MODULES:
        handlers.extend(module.HANDLERS)
    handlers.extend(builtins.HANDLERS)
    return handlers


def exception_handlers() -> list:
    return list(builtins.EXCEPTION_HANDLERS)
