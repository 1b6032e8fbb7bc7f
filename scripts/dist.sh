#!/usr/bin/env bash
# Builds the self-contained distribution (called by `./levee dist`, which finds the JDK and builds the jar):
#   scripts/dist.sh JAVA_HOME JAR
# levee-<version>-linux-x64.tar.gz holds levee-<version>/ with
#   runtime/           a Java runtime made by jlink with only the modules Levee needs (no JDK needed where it runs)
#   lib/levee.jar      the runnable jar
#   bin/levee          the start script (POSIX sh): bin/levee serve [--config FILE] (config/levee.yaml by default)
#   config/levee.yaml  the default configuration, every key commented (edit it, or point --config elsewhere)
# The archive's path is the last line printed.
set -euo pipefail

JAVA_HOME="$1"
JAR="$2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/levee-app/target/dist"

# `levee -V` prints "levee <version> (commit ..., Java ...)"
VERSION="$("$JAVA_HOME/bin/java" -jar "$JAR" -V | awk '{print $2; exit}')"
[ -n "$VERSION" ] || { echo "dist: could not read the version from $JAR" >&2; exit 1; }
NAME="levee-$VERSION"
ARCHIVE="$OUT/$NAME-linux-x64.tar.gz"
STAGE="$OUT/$NAME"

# The modules the jar's classes use (jdeps --print-module-deps --recursive over the unpacked jar, module-info files
# of the shaded dependencies removed), plus what is only loaded by name at run time: elliptic-curve TLS, the
# JNDI DNS provider (Lettuce's Sentinel and cluster lookups), the extra charsets. CI starts the result.
MODULES="java.base,java.compiler,java.desktop,java.naming,java.net.http,java.sql,jdk.jfr,jdk.management,jdk.net"
MODULES="$MODULES,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.charsets"

rm -rf "$STAGE" "$ARCHIVE"
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/config"
echo "dist: jlink ($MODULES)" >&2
# a JDK without jmods/ (JEP 493 builds, such as Temurin 24+) links from its own run-time image
if ! "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$STAGE/runtime" >&2; then
  echo "dist: jlink failed with $JAVA_HOME: it needs the JDK's jmods/ (e.g. Debian's openjdk-21-jmods) or a" \
       "JDK 24+ built with a linkable run-time image" >&2
  exit 1
fi
cp "$JAR" "$STAGE/lib/levee.jar"
cp "$ROOT/levee-gateway/src/main/resources/levee-defaults.yaml" "$STAGE/config/levee.yaml"
cp "$ROOT/LICENSE" "$ROOT/NOTICE" "$STAGE/"

cat > "$STAGE/bin/levee" <<'SCRIPT'
#!/bin/sh
# Levee, self-contained: runs the bundled runtime, never a java on the PATH (there may be none, or no PATH at all:
# POSIX sh and shell built-ins only).
#   bin/levee serve [--config FILE] [--port N]    (config/levee.yaml when no --config is given)
#   bin/levee --help | -V | validate --config FILE | ...
# LEVEE_JAVA_OPTS adds JVM options (e.g. -Xmx1g); LEVEE_* variables override config keys.
set -eu
case "$0" in */*) BIN="${0%/*}" ;; *) BIN=. ;; esac
HOME_DIR="$(cd "$BIN/.." && pwd -P)"
if [ "${1:-}" = serve ]; then
  has_config=false
  for a in "$@"; do case "$a" in --config|--config=*) has_config=true ;; esac; done
  if [ "$has_config" = false ] && [ -f "$HOME_DIR/config/levee.yaml" ]; then
    shift
    set -- serve --config "$HOME_DIR/config/levee.yaml" "$@"
  fi
fi
# LEVEE_JAVA_OPTS is a list of options: split on purpose
# shellcheck disable=SC2086
exec "$HOME_DIR/runtime/bin/java" ${LEVEE_JAVA_OPTS:-} -XX:+ExitOnOutOfMemoryError -jar "$HOME_DIR/lib/levee.jar" "$@"
SCRIPT
chmod +x "$STAGE/bin/levee"

tar -czf "$ARCHIVE" -C "$OUT" "$NAME"
echo "dist: $(du -h "$ARCHIVE" | cut -f1) (runtime $(du -sh "$STAGE/runtime" | cut -f1))" >&2
echo "$ARCHIVE"
