"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

DEFAULT_DB_PATH = Path.home() / ".heart-to-heart" / "households.sqlite3"


@dataclass(frozen=True)
class Settings:
    skill_id: str | None
    table_name: str | None
    db_path: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            skill_id=env.get("HEART_SKILL_ID") or None,
            table_name=env.get("HEART_TABLE") or None,
            db_path=env.get("HEART_DB_PATH") or str(DEFAULT_DB_PATH),
        )
