#!/usr/bin/env bash
# Back-to-back SGEMM timing: tenfold (GemmPerfMain) vs numpy/OpenBLAS (Debian /usr/bin/python3).
# Usage: bench/compareGemm.sh [shapes] [threads] [rounds]
#   shapes: comma list of N (square) or MxKxN, default 512,1024,2048,16x4096x16,4096x16x4096
#   threads: comma list, default 1,2; rounds: alternations, default 3 (best-of is reported)
# Needs target/classes and target/test-classes (./mvnw -o -q test-compile).
set -euo pipefail
cd "$(dirname "$0")/.."
SHAPES=${1:-512,1024,2048,16x4096x16,4096x16x4096}
THREADS=${2:-1,2}
ROUNDS=${3:-3}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
PY=/usr/bin/python3
OUT=$(mktemp -d)
numpy_bench() {
  OPENBLAS_NUM_THREADS=$1 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY - "$SHAPES" "$1" <<'PYEOF'
import sys, time
import numpy as np
shapes, t = sys.argv[1], sys.argv[2]
for s in shapes.split(','):
    p = [int(x) for x in s.split('x')]
    m, k, n = (p[0], p[0], p[0]) if len(p) == 1 else p
    a = np.random.rand(m, k).astype(np.float32); b = np.random.rand(k, n).astype(np.float32)
    c = np.empty((m, n), np.float32)
    flops = 2.0 * m * n * k
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end: np.matmul(a, b, out=c)
    best = 1e9; end = time.perf_counter() + 2.0; runs = 0
    while time.perf_counter() < end or runs < 3:
        t0 = time.perf_counter(); np.matmul(a, b, out=c); best = min(best, time.perf_counter() - t0); runs += 1
    print(f"{m}x{k}x{n} nn threads={t}: {flops / best / 1e9:.1f} GFLOP/s")
PYEOF
}
for r in $(seq "$ROUNDS"); do
  "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:MaxInlineLevel=30 \
      -cp target/classes:target/test-classes dev.tenfold.linalg.GemmPerfMain "shapes=$SHAPES" "threads=$THREADS" 2>/dev/null \
      | grep GFLOP >> "$OUT/java"
  for t in ${THREADS//,/ }; do numpy_bench "$t" >> "$OUT/numpy"; done
done
# best-of per line key, then ratio
awk -F': ' '
  FNR == 1 { src = (FILENAME ~ /java$/) ? "java" : "numpy" }
  { v = $2 + 0; if (v > best[src, $1]) best[src, $1] = v; keys[$1] = 1 }
  END {
    printf "%-32s %10s %10s %7s\n", "shape", "tenfold", "numpy", "ratio"
    for (k in keys) printf "%-32s %10.1f %10.1f %7.2f\n", k, best["java", k], best["numpy", k], best["java", k] / best["numpy", k]
  }' "$OUT/java" "$OUT/numpy" | sort -t x -k1,1n
rm -rf "$OUT"
