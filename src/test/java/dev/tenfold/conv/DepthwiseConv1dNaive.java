package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Naive twin of {@link DepthwiseConv1d}: the defining sums with plain loops in double on a
 * (outer, len, inner) slab, {@code out[a, o, j] = Σ_k w[k]·in[a, o·s + k·d − p, j]}.
 */
final class DepthwiseConv1dNaive {
    private DepthwiseConv1dNaive() { }

    /** Fails the calling test when an operand does not fit the pass (a caller bug, not a kernel one). */
    private static void fits(String what, int expected, float[] a) {
        assertEquals(expected, a.length, "naive depthwise operand " + what + " does not fit the pass");
    }

    static double[] forward(float[] in, float[] w, DepthwiseConv1d.Pass p) {
        fits("in", p.inSize(), in);
        fits("w", p.k(), w);
        double[] out = new double[p.outSize()];
        for (int a = 0; a < p.outer(); a++) {
            for (int o = 0; o < p.outLen(); o++) {
                for (int j = 0; j < p.inner(); j++) {
                    double s = 0;
                    for (int k = 0; k < p.k(); k++) {
                        int i = o * p.stride() + k * p.dilation() - p.pad();
                        if (i >= 0 && i < p.inLen()) s += (double) w[k] * in[(a * p.inLen() + i) * p.inner() + j];
                    }
                    out[(a * p.outLen() + o) * p.inner() + j] = s;
                }
            }
        }
        return out;
    }

    static double[] backwardInput(float[] g, float[] w, DepthwiseConv1d.Pass p) {
        fits("g", p.outSize(), g);
        fits("w", p.k(), w);
        double[] gin = new double[p.inSize()];
        for (int a = 0; a < p.outer(); a++) {
            for (int o = 0; o < p.outLen(); o++) {
                for (int k = 0; k < p.k(); k++) {
                    int i = o * p.stride() + k * p.dilation() - p.pad();
                    if (i < 0 || i >= p.inLen()) continue;
                    for (int j = 0; j < p.inner(); j++) {
                        gin[(a * p.inLen() + i) * p.inner() + j] += (double) w[k] * g[(a * p.outLen() + o) * p.inner() + j];
                    }
                }
            }
        }
        return gin;
    }

    static double[] backwardWeight(float[] g, float[] in, DepthwiseConv1d.Pass p) {
        fits("g", p.outSize(), g);
        fits("in", p.inSize(), in);
        double[] gw = new double[p.k()];
        for (int a = 0; a < p.outer(); a++) {
            for (int o = 0; o < p.outLen(); o++) {
                for (int k = 0; k < p.k(); k++) {
                    int i = o * p.stride() + k * p.dilation() - p.pad();
                    if (i < 0 || i >= p.inLen()) continue;
                    for (int j = 0; j < p.inner(); j++) {
                        gw[k] += (double) g[(a * p.outLen() + o) * p.inner() + j] * in[(a * p.inLen() + i) * p.inner() + j];
                    }
                }
            }
        }
        return gw;
    }
}
