# syntax=docker/dockerfile:1
#
# CreatorPilot image: one static-ish binary on Debian slim, running as an unprivileged user.
# Build: docker build -t creatorpilot .     Run: see docker-compose.yml (needs DATABASE_URL).

# ---- builder ---------------------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder

# No database during the build: every query is a runtime-checked `sqlx::query*` call (no
# `query!` macros), so there is no offline query data to commit and nothing to connect to.
# SQLX_OFFLINE stays set so a future macro fails the build loudly instead of looking for one.
ENV SQLX_OFFLINE=true \
    CARGO_INCREMENTAL=0 \
    CARGO_TERM_COLOR=never

WORKDIR /src

# 1. Dependencies only, in their own layer: it is rebuilt only when Cargo.toml or Cargo.lock
#    change. Every target path named in Cargo.toml gets a stub so the manifest loads. Afterwards
#    the stub crate's artifacts are deleted, so the real sources below are always compiled (file
#    times from the build context may be older than the stubs').
COPY Cargo.toml Cargo.lock ./
RUN set -eux; \
    for path in src/main.rs $(sed -n 's/^path *= *"\([^"]*\)".*/\1/p' Cargo.toml); do \
        mkdir -p "$(dirname "$path")"; \
        echo '#[allow(dead_code)] fn main() {}' > "$path"; \
    done; \
    cargo build --release --locked; \
    rm -rf src tests benches examples \
        target/release/creatorpilot target/release/creatorpilot.d \
        target/release/deps/creatorpilot-* target/release/deps/libcreatorpilot-* \
        target/release/.fingerprint/creatorpilot-* \
        target/release/build/creatorpilot-*

# 2. The real sources (src, commands, locales, migrations, plans; see
#    .dockerignore for what stays out).
COPY . .
RUN cargo build --release --locked \
    && install -D -m 0755 target/release/creatorpilot /out/creatorpilot

# ---- runtime ---------------------------------------------------------------------------------
FROM debian:bookworm-slim

RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --gid 10001 creatorpilot; \
    useradd --uid 10001 --gid 10001 --home-dir /var/lib/creatorpilot --no-create-home \
        --shell /usr/sbin/nologin creatorpilot; \
    install -d -o creatorpilot -g creatorpilot -m 0750 /var/lib/creatorpilot

COPY --from=builder /out/creatorpilot /usr/local/bin/creatorpilot

# Listen on every interface inside the container; publishing decides what is reachable
# (docker-compose.yml publishes 8080 and keeps metrics on the host's loopback).
# No VOLUME here: an anonymous volume per run would scatter data; mount a named volume on
# /var/lib/creatorpilot (stored files: invoices, imports).
ENV CREATORPILOT_DATA_DIR=/var/lib/creatorpilot \
    HTTP_ADDR=0.0.0.0:8080 \
    METRICS_ADDR=0.0.0.0:9090 \
    CREATORPILOT_ENV=production

# 8080: OAuth returns, webhooks, Discord interactions, /healthz. The metrics port (9090) is
# deliberately not exposed: publish it only to a private network.
EXPOSE 8080

# The binary probes itself: `creatorpilot healthcheck` GETs /healthz on HTTP_ADDR (0.0.0.0 is
# probed as 127.0.0.1) and exits 0 when the database answers, 1 otherwise. No curl needed.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/creatorpilot", "healthcheck"]

USER creatorpilot
WORKDIR /var/lib/creatorpilot

# Exec form: the binary is PID 1 and receives SIGTERM itself (graceful shutdown).
ENTRYPOINT ["/usr/local/bin/creatorpilot"]
CMD ["serve"]
