"""Settings per environment: base (shared), dev (`make run`), test (`make test`), production.

Every value that differs between machines comes from the environment (django-environ):
DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS, ...
"""
