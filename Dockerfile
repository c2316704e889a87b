# Inkwell: the site under gunicorn. Needs a MongoDB server (MONGODB_URI) and
# a SECRET_KEY; see docker-compose.yml for the site with a replica set of one.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 inkwell

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY config.py gunicorn.conf.py ./
COPY site_app site_app
COPY templates templates
COPY static static
COPY scripts scripts
# The app writes its static files under hashed names, compressed, into
# build/ at start (site_app/assets.py); do it once here, where /app is
# writable, so every container starts with them.
RUN python -c "from site_app import create_app; create_app('testing')" \
    && chown -R inkwell build

USER inkwell
ENV SITE_CONFIG=production \
    FLASK_APP=site_app \
    PORT=8000
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

CMD ["gunicorn", "-c", "gunicorn.conf.py", "site_app:create_app()"]
