package dev.tenfold.cli;

/**
 * Wall-clock timing for the CLI benchmarks: warm up (JIT) for a while, then run repeatedly and
 * keep the best and the median time. JMH (in bench/) is the rigorous harness; this one gives
 * quick figures and the numbers {@code bench/compare} sets against the peers.
 */
final class BenchTimer {
    /** Best and median milliseconds over {@code runs} timed runs. */
    record Timing(double bestMs, double medianMs, int runs) { }

    /** Warm-up runs before any timing. */
    static final int MIN_WARMUP_RUNS = 30;

    private BenchTimer() { }

    static Timing time(Runnable body, double warmupSeconds, double measureSeconds, int minRuns) {
        // Vector API code runs boxed (very slowly) until C2 compiles it, so warm up for a
        // minimum time AND a minimum number of runs (capped at 30 s for slow workloads).
        long start = System.nanoTime();
        long warmEnd = start + (long) (warmupSeconds * 1e9);
        long cap = start + 30_000_000_000L;
        int warm = 0;
        while ((System.nanoTime() < warmEnd || warm < MIN_WARMUP_RUNS) && System.nanoTime() < cap) {
            body.run();
            warm++;
        }
        double[] samples = new double[16];
        int n = 0;
        long end = System.nanoTime() + (long) (measureSeconds * 1e9);
        while (n < minRuns || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            body.run();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (n == samples.length) samples = java.util.Arrays.copyOf(samples, n * 2);
            samples[n++] = ms;
            if (n >= 100_000) break;
        }
        double[] s = java.util.Arrays.copyOf(samples, n);
        java.util.Arrays.sort(s);
        return new Timing(s[0], s[n / 2], n);
    }
}
