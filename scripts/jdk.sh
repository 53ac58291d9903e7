# Sourced by ./canopy and .ci/run: finds a JDK 21 or later ($JAVA_HOME, javac on the PATH, /usr/lib/jvm/*).

java_major() { # the major version of the JDK at $1, or nothing when it is not a JDK
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
  fi
}

find_jdk() { # prints the newest JDK 21+ found, or fails
  local candidates=() best="" best_major=0 major dir
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do [ -d "$dir" ] && candidates+=("$dir"); done
  for dir in "${candidates[@]}"; do
    major="$(java_major "$dir")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$dir"; best_major="$major"; fi
  done
  [ -n "$best" ] && echo "$best"
}
