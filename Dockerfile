# cpbatch in a container: the Telegram bot by default, any cpbatch command on demand.
#   docker build -t cpbatch .
#   docker run -d --name cpbatch --env-file .env -v cpbatch-data:/data cpbatch
#   docker run --rm --env-file .env -v cpbatch-data:/data cpbatch cpbatch batches abcde
# Step by step, with Render, MongoDB Atlas and systemd: docs/DEPLOYMENT.md
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# The unprivileged user the bot runs as, and DATA_DIR owned by it. Done before the VOLUME
# line (changes to a volume's path after it are discarded) and before anything that changes
# often, so this layer stays cached. A named volume starts as a copy of /data, with this
# owner; a host folder bind-mounted there keeps its own owner: `chown 10001:10001` it.
RUN groupadd --system --gid 10001 cpbatch \
 && useradd --system --uid 10001 --gid cpbatch --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin cpbatch \
 && mkdir -p /data \
 && chown cpbatch:cpbatch /data \
 && chmod 0700 /data

WORKDIR /app

# Layer 1, the dependencies: the slow step, so it sees only pyproject.toml and
# constraints.txt, and a code change never invalidates it; only a change of dependencies or
# of their pins does. The list is derived from pyproject.toml at build time (the runtime
# dependencies and the "telegram" extra, plus the build backend used in layer 2), so there is
# no second list to keep in step; constraints.txt pins every version, exactly as `make`
# installs them. Every dependency has manylinux wheels (cryptography, TgCrypto, pymongo,
# aiohttp, dependency-injector), so no compiler or -dev package is installed.
COPY pyproject.toml constraints.txt ./
RUN python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join([*p["dependencies"], *p["optional-dependencies"]["telegram"], "setuptools", "wheel"]))' \
        > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Layer 2, cpbatch itself: rebuilt on every code change, and quick: --no-deps downloads
# nothing more, --no-build-isolation builds with the setuptools pinned above. `pip check`
# fails the build if the installed set is inconsistent. (README.md is the package's readme.)
COPY README.md ./
COPY src ./src
RUN pip install --no-deps --no-build-isolation . \
 && pip check \
 && rm -rf build src/*.egg-info

# DATA_DIR holds the embedded store (blobs/, metadata.sqlite3) and the Telegram session.
# Logs are JSON lines on stderr, for a platform's log collector.
ENV DATA_DIR=/data \
    DOWNLOAD_DIR=/data/downloads \
    LOG_FORMAT=json
VOLUME ["/data"]

# Numeric, so platforms that insist on a non-root user (runAsNonRoot) can verify it.
USER 10001:10001

# With PORT set, `cpbatch bot` serves GET /healthz on it (200 ok, 503 degraded): publish it
# (-p 8080:8080 with PORT=8080) for an outside probe. Without PORT there is no endpoint, and
# the check passes (a worker has nothing to probe). Python's urllib, so no curl is needed;
# an HTTP error or a refused connection exits 1, which Docker counts as unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; p = os.environ.get('PORT'); p and r.urlopen('http://127.0.0.1:%s/healthz' % p, timeout=4)"]

# SIGTERM (docker stop) makes the bot stop cleanly: running jobs are cancelled, nothing
# half-written is kept. Allow it a few seconds: docker stop -t 30.
CMD ["cpbatch", "bot"]
