"""Heart to Heart: an Alexa skill that helps couples feel close again.

The package is imported by every entry point (Lambda, console, web). Keep this file
free of imports so that a Lambda cold start pays only for what a turn needs.
"""

__version__ = "1.0.0"
