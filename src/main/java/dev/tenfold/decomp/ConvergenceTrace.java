package dev.tenfold.decomp;

import java.util.List;

/**
 * Per-iteration record of a fit: relative error and wall-clock time of each iteration, in order.
 *
 * @param entries one entry per finished iteration (unmodifiable)
 */
public record ConvergenceTrace(List<Entry> entries) {
    /**
     * One iteration.
     *
     * @param iteration          1-based iteration number
     * @param relError           relative error after the iteration
     * @param millis             wall-clock milliseconds of the iteration
     * @param lineSearchAccepted true when a CP-ALS line-search extrapolation was accepted
     */
    public record Entry(int iteration, double relError, double millis, boolean lineSearchAccepted) { }

    /** Copies the list. */
    public ConvergenceTrace {
        entries = List.copyOf(entries);
    }

    /** Number of iterations recorded. */
    public int size() { return entries.size(); }

    /** Relative errors, one per iteration. */
    public double[] relErrors() {
        return entries.stream().mapToDouble(Entry::relError).toArray();
    }

    /** Milliseconds, one per iteration. */
    public double[] millis() {
        return entries.stream().mapToDouble(Entry::millis).toArray();
    }

    /** Mean milliseconds per iteration (0 when empty). */
    public double meanMillis() {
        return entries.stream().mapToDouble(Entry::millis).average().orElse(0);
    }

    /** Median milliseconds per iteration (0 when empty); robust to a slow first (JIT) iteration. */
    public double medianMillis() {
        double[] m = millis();
        if (m.length == 0) return 0;
        java.util.Arrays.sort(m);
        return m.length % 2 == 1 ? m[m.length / 2] : 0.5 * (m[m.length / 2 - 1] + m[m.length / 2]);
    }
}
