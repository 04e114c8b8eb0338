package dev.tenfold.conv;

/**
 * Per-worker scratch of the depthwise passes: the term lists handed to
 * {@link DepthwiseKernels#combine} and a growable buffer for stride phases. Not thread-safe: one
 * instance per worker thread.
 */
final class DepthwiseScratch {
    int[] off = new int[16];
    int[] lo = new int[16];
    int[] hi = new int[16];
    float[] w = new float[16];
    /** The three tap sums of {@link DepthwiseKernels#dot3}. */
    final float[] taps3 = new float[3];
    private float[] phase = new float[0];
    private float[] pattern = new float[0];

    /** Makes room for {@code terms} terms. */
    void terms(int terms) {
        if (off.length < terms) {
            int n = Math.max(terms, 2 * off.length);
            off = new int[n];
            lo = new int[n];
            hi = new int[n];
            w = new float[n];
        }
    }

    /** A second buffer of at least {@code n} floats for periodic weight patterns (contents unspecified). */
    float[] pattern(int n) {
        if (pattern.length < n) pattern = new float[Math.max(n, pattern.length + pattern.length / 2)];
        return pattern;
    }

    /** A buffer of at least {@code n} floats (contents unspecified). */
    float[] phase(int n) {
        if (phase.length < n) phase = new float[Math.max(n, phase.length + phase.length / 2)];
        return phase;
    }
}
