"""Self-hosted web endpoint for the skill (``python -m skill.web``).

Only the web entry point imports this package: the Lambda path must never load Flask
or the verification stack. Keep this file free of imports so that
``skill.web.verifier`` stays usable without Flask.
"""
