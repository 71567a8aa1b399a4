import os

from django.core.wsgi import get_wsgi_application

from config.env import web_tier_mark

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
web_tier_mark()  # before the settings load: the web tier's connections come from a pool (config/settings/base.py)
application = get_wsgi_application()
