"""AWS Lambda entry point: ``Handler: app.handler`` in template.yaml.

The skill is built once per container (cold start), then every invocation reuses it.
Only the Lambda path's modules are imported here: no Flask, no web-service stack.
"""

from skill import logs
from skill.app import build_skill, handle_event

logs.configure()
SKILL = build_skill()


def handler(event, context):
    return handle_event(SKILL, event)
