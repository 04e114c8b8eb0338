package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;

/**
 * Random layer configurations for the factorized-conv property tests: N = 1..4 spatial dims
 * (smaller sizes for 3-D / 4-D), odd sizes, strides 1..3, dilations 1..2, symmetric or 'same'
 * padding (asymmetric for even kernels), channels 1..5, batch 1..3, with or without bias.
 */
record ConvFormCases(ConvSpec spec, int batch, int[] inDims) {
    private static final int[] MAX_DIM = {0, 17, 9, 6, 4};

    /** A random valid case; {@code tiny} keeps everything very small (finite differences). */
    static ConvFormCases random(SplittableRandom rnd, boolean tiny) {
        while (true) {
            int n = 1 + rnd.nextInt(tiny ? 3 : 4);
            int maxDim = tiny ? 4 : MAX_DIM[n];
            int[] d = new int[n];
            int[] k = new int[n];
            int[] s = new int[n];
            int[] dil = new int[n];
            int[] p = new int[n];
            boolean same = rnd.nextInt(4) == 0;
            for (int i = 0; i < n; i++) {
                d[i] = 1 + rnd.nextInt(maxDim);
                k[i] = 1 + rnd.nextInt(n <= 2 && !tiny ? 4 : 3);
                s[i] = same ? 1 : 1 + rnd.nextInt(3);
                dil[i] = 1 + rnd.nextInt(2);
                p[i] = rnd.nextInt(3);
            }
            int c = 1 + rnd.nextInt(tiny ? 3 : 5);
            int t = 1 + rnd.nextInt(tiny ? 3 : 5);
            ConvSpec.Builder b = ConvSpec.builder(c, t, k).stride(s).dilation(dil).bias(rnd.nextBoolean());
            ConvSpec spec = same ? b.paddingSame().build() : b.padding(p).build();
            int[] out;
            try {
                out = spec.outputSpatial(d);
            } catch (IllegalArgumentException e) {
                continue;
            }
            // 'same' cases run at stride 1, where the spec must keep every spatial size
            if (same) assertArrayEquals(d, out, () -> "'same' padding changed the sizes of " + spec);
            return new ConvFormCases(spec, 1 + rnd.nextInt(tiny ? 2 : 3), d);
        }
    }

    int[] inputDims() {
        int[] x = new int[2 + inDims.length];
        x[0] = batch;
        x[1] = spec.inChannels();
        System.arraycopy(inDims, 0, x, 2, inDims.length);
        return x;
    }

    ConvFormOracle.Geo geo() {
        return ConvFormOracle.Geo.of(spec, batch, inDims);
    }

    @Override
    public String toString() {
        return spec + " batch=" + batch + " input=" + java.util.Arrays.toString(inDims);
    }

    /** Max |a_i - b_i| ≤ tol·(1 + max|a|) for all i, else a message naming the worst element. */
    static String compare(double[] ref, float[] got, double tol) {
        if (ref.length != got.length) return "length " + got.length + " != " + ref.length;
        double max = 0;
        for (double v : ref) max = Math.max(max, Math.abs(v));
        double lim = tol * (1 + max);
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(ref[i] - got[i]) <= lim)) {
                return "element " + i + ": expected " + ref[i] + " got " + got[i] + " (limit " + lim + ")";
            }
        }
        return null;
    }
}
