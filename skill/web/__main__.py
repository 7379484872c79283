"""``python -m skill.web``: see :mod:`skill.web.server`."""

from .server import main

raise SystemExit(main())
