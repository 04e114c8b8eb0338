package dev.tenfold.tensor;

/**
 * Deterministic random stream (SplitMix64), fixed here so that the same seed gives the same bits
 * on every JVM and platform. Not thread-safe; not for cryptography.
 */
public final class SplitMix64 {
    private long state;
    private double spareNormal = Double.NaN;

    /** A stream starting from {@code seed}. */
    public SplitMix64(long seed) { this.state = seed; }

    /** Next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0, got " + bound);
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Standard normal (Box-Muller, both values used). */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }
}
