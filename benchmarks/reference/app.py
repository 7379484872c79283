"""The reference: the smallest persistent Alexa skill written the usual way.

This is what a developer gets from Amazon's Python samples: ask-sdk-core, the
official ``DynamoDbAdapter`` for persistent attributes, one launch handler that
counts visits, and help / stop / session-ended / error handlers so that a session
of several turns makes sense. ``benchmarks/run.py`` measures Heart to Heart against
it. It is never shipped: it lives in benchmarks/ and nothing in skill/ imports it.

Lambda handler: ``app.lambda_handler``. Environment, as in an Alexa-hosted skill:
``DYNAMODB_PERSISTENCE_TABLE_NAME`` and ``DYNAMODB_PERSISTENCE_REGION``.
"""

import logging
import os

import boto3
from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_dynamodb.adapter import DynamoDbAdapter

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

ddb_region = os.environ.get("DYNAMODB_PERSISTENCE_REGION")
ddb_table_name = os.environ.get("DYNAMODB_PERSISTENCE_TABLE_NAME")
ddb_resource = boto3.resource("dynamodb", region_name=ddb_region)
dynamodb_adapter = DynamoDbAdapter(table_name=ddb_table_name, create_table=False, dynamodb_resource=ddb_resource)


class LaunchRequestHandler(AbstractRequestHandler):
    """Counts visits in the persistent attributes and says how many there were."""

    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        attributes_manager = handler_input.attributes_manager
        persistent = attributes_manager.persistent_attributes
        visits = int(persistent.get("visits", 0)) + 1
        persistent["visits"] = visits
        attributes_manager.persistent_attributes = persistent
        attributes_manager.save_persistent_attributes()
        speak_output = f"Welcome back. This is visit number {visits}. Say help to hear what you can do."
        return handler_input.response_builder.speak(speak_output).ask("Say help, or stop.").response


class HelpIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input):
        speak_output = "I count your visits. Open the skill again to add one. What would you like to do?"
        return handler_input.response_builder.speak(speak_output).ask(speak_output).response


class CancelOrStopIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.CancelIntent")(handler_input) or is_intent_name("AMAZON.StopIntent")(
            handler_input
        )

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Goodbye!").set_should_end_session(True).response


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        logger.error(exception, exc_info=True)
        speak_output = "Sorry, I had trouble doing what you asked. Please try again."
        return handler_input.response_builder.speak(speak_output).ask(speak_output).response


sb = CustomSkillBuilder(persistence_adapter=dynamodb_adapter)
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(HelpIntentHandler())
sb.add_request_handler(CancelOrStopIntentHandler())
sb.add_request_handler(SessionEndedRequestHandler())
sb.add_exception_handler(CatchAllExceptionHandler())

lambda_handler = sb.lambda_handler()
