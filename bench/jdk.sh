# Sourced by bench scripts: exports JAVA_HOME pointing at a JDK 25 or newer, or exits.
_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(_major "$JAVA_HOME/bin/java")" -lt 25 ]; then
  for _d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if [ -x "$_d/bin/java" ] && [ "$(_major "$_d/bin/java")" -ge 25 ]; then export JAVA_HOME="$_d"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(_major "$JAVA_HOME/bin/java")" -lt 25 ]; then
  echo "no JDK 25 found: set JAVA_HOME to a JDK 25" >&2; exit 3
fi
