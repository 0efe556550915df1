# Shared set-up for ./run, ./test, .ci/run and scripts/: Python >= 3.12, a venv, a throwaway PostgreSQL,
# and the Debian packages they need (PostgreSQL server; Chromium and CJK fonts for the browser tests).
# Sourced, not executed. Honours DATABASE_URL when it is set.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Development, tests and CI run with DEBUG on unless told otherwise; the settings default to off,
# so a server started any other way fails closed.
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"

find_python() {
    local candidates=()
    if [ -n "${PYTHON:-}" ]; then candidates+=("$PYTHON"); fi
    if command -v pyenv >/dev/null 2>&1; then
        local root; root="$(pyenv root)"
        for v in $(ls -1 "$root/versions" 2>/dev/null | grep -E '^3\.(1[2-9])(\.[0-9]+)?$' | sort -t. -k2,2nr -k3,3nr); do
            candidates+=("$root/versions/$v/bin/python")
        done
    fi
    for n in python3.14 python3.13 python3.12 python3; do
        if command -v "$n" >/dev/null 2>&1; then candidates+=("$(command -v "$n")"); fi
    done
    for c in "${candidates[@]}"; do
        if [ -x "$c" ] && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    return 1
}

ensure_venv() {
    local stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
    if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
        local py
        if ! py="$(find_python)"; then
            echo "error: Twinwatch needs Python 3.12 or newer." >&2
            echo "  Install one (e.g. 'pyenv install 3.13') or set PYTHON=/path/to/python3.12+." >&2
            exit 1
        fi
        echo "==> creating .venv with $py ($("$py" --version))"
        rm -rf .venv
        "$py" -m venv .venv
    fi
    if [ ! -f "$stamp" ]; then
        echo "==> installing dependencies (pinned in pyproject.toml)"
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python - <<'PY' > .venv/requirements.txt
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["test"]))
PY
        .venv/bin/python -m pip install --quiet -r .venv/requirements.txt
        rm -f .venv/.installed-*
        touch "$stamp"
    fi
    mkdir -p "$ROOT/staticfiles"  # collectstatic target; WhiteNoise warns when it is missing
    export PATH="$ROOT/.venv/bin:$PATH"
    ensure_node_modules
}

# Installs the Debian packages among "$@" that are missing: with apt-get when running as root, with
# `sudo -n` when that works without a password, otherwise stops with the exact command to run.
ensure_system_packages() {
    local missing=() pkg
    # Installed means "install ok installed": a package removed but not purged still answers `dpkg -s`.
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
    local command="apt-get install -y --no-install-recommends ${missing[*]}"
    local as=()
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: Twinwatch needs ${missing[*]} and this is not a Debian machine with apt-get: install them with your package manager (on Debian: $command)." >&2
        exit 1
    elif [ "$(id -u)" = "0" ]; then
        as=(env DEBIAN_FRONTEND=noninteractive)
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
        echo "error: Twinwatch needs ${missing[*]}: run 'sudo apt-get update && sudo $command' once, then try again." >&2
        exit 1
    fi
    echo "==> installing ${missing[*]} with apt-get (first run only)"
    "${as[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
    "${as[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Chromium (at TWINWATCH_CHROMIUM, else Debian's /usr/bin/chromium, which the browser tests and
# scripts/screenshots drive through Playwright) and CJK fonts for the Chinese pages.
ensure_browser() {
    local need=()
    local chromium="${TWINWATCH_CHROMIUM:-/usr/bin/chromium}"
    [ -x "$chromium" ] || command -v "$chromium" >/dev/null 2>&1 || need+=(chromium)
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || need+=(fonts-noto-cjk)
    if [ "${#need[@]}" -gt 0 ]; then ensure_system_packages "${need[@]}"; fi
}

# npm packages pinned in package.json/package-lock.json (Natural Earth land for the map, axe-core for
# the accessibility tests), installed into node_modules (ignored by git) with `npm ci`.
ensure_node_modules() {
    local stamp="node_modules/.installed-$(cat package.json package-lock.json | sha1sum | cut -c1-12)"
    [ -f "$stamp" ] && return 0
    command -v npm >/dev/null 2>&1 || ensure_system_packages npm
    echo "==> installing npm packages (pinned in package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    touch "$stamp"
}

find_pg_bin() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    return 1
}

# Starts (or reuses) a throwaway PostgreSQL under .data/pg, listening only on a unix socket.
ensure_postgres() {
    if [ -n "${DATABASE_URL:-}" ]; then
        echo "==> using DATABASE_URL from the environment"
        return 0
    fi
    local bin
    if ! bin="$(find_pg_bin)"; then
        ensure_system_packages postgresql
        if ! bin="$(find_pg_bin)"; then
            echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found after installing postgresql; set DATABASE_URL to use another server." >&2
            exit 1
        fi
    fi
    local data="$ROOT/.data/pg" sock="$ROOT/.data/sock"
    mkdir -p "$ROOT/.data" "$sock"
    local as=()
    if [ "$(id -u)" = "0" ]; then
        chown -R postgres:postgres "$ROOT/.data" 2>/dev/null || true
        # postgres must be able to traverse to the data directory
        as=(runuser -u postgres --)
        local p="$ROOT"
        while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p="$(dirname "$p")"; done
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        echo "==> initialising a throwaway PostgreSQL in .data/pg"
        "${as[@]}" "$bin/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 -U twinwatch --auth=trust >/dev/null
    fi
    if ! "${as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        echo "==> starting PostgreSQL (socket in .data/sock)"
        "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$ROOT/.data/postgres.log" -w \
            -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    fi
    if ! "${as[@]}" "$bin/psql" -h "$sock" -U twinwatch -d postgres -tAc "select 1 from pg_database where datname='twinwatch'" | grep -q 1; then
        "${as[@]}" "$bin/createdb" -h "$sock" -U twinwatch twinwatch
    fi
    export DATABASE_URL="postgres://twinwatch@/twinwatch?host=$sock"
}
