"""``make bench``: Heart to Heart measured against a plain ask-sdk skill (see run.py)."""
