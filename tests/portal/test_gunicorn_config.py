"""config/gunicorn.py: what the Dockerfile and docker-compose run, and its worker's collector tuning."""

import gc
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config import gunicorn as gunicorn_config


def test_the_image_and_the_compose_file_serve_with_the_portal_s_gunicorn_settings():
    root = Path(settings.BASE_DIR)
    assert '"-c", "config/gunicorn.py"' in (root / "Dockerfile").read_text()
    assert "gunicorn -c config/gunicorn.py config.wsgi:application" in (root / "docker-compose.yml").read_text()


def test_gunicorn_reads_the_settings_file():
    printed = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--print-config",
                              "config.wsgi:application"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                             check=True, env={"PATH": "/usr/bin:/bin", "WEB_CONCURRENCY": "4"}).stdout
    values = {name.strip(): value.strip() for name, _eq, value in (line.partition("=") for line in printed.splitlines())}
    assert values["workers"] == "4"
    assert values["post_worker_init"] == "<post_worker_init()>"  # gunicorn's own: <PostWorkerInit.post_worker_init()>
    assert values["accesslog"] == "-"


def test_a_worker_freezes_what_it_loaded_and_collects_the_young_generation_less_often():
    thresholds = gc.get_threshold()
    try:
        gunicorn_config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # the application's modules, classes and caches
        assert gc.get_threshold() == gunicorn_config.GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
