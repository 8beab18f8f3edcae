"""The web app's entry point as SPEC 7 names it: ``bot.app:create_app()``.

The factory itself lives with the rest of the service, in ``bot/service/app.py``.
"""

from bot.service.app import create_app

__all__ = ["create_app"]
