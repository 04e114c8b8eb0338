package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Independent double-precision oracle for the factorized-conv tests: a naive dense N-D conv
 * (plain loops over every output and tap, groups = 1) and its two gradients, plus CP / Tucker
 * kernel reconstruction and the pull-back of a dense kernel gradient onto the factors — all on
 * row-major double arrays, written from the definitions (no code shared with main).
 */
final class ConvFormOracle {
    /** Geometry: batch, channels C → T, input dims D, kernel K, stride, pad before, dilation, output dims. */
    record Geo(int b, int c, int t, int[] d, int[] k, int[] s, int[] p, int[] dil, int[] o) {
        static Geo of(ConvSpec spec, int batch, int[] inDims) {
            return new Geo(batch, spec.inChannels(), spec.outChannels(), inDims.clone(), spec.kernel(), spec.stride(),
                    spec.padBefore(), spec.dilation(), spec.outputSpatial(inDims));
        }

        int n() { return d.length; }
        int inSize() { return prod(d); }
        int outSize() { return prod(o); }
        int taps() { return prod(k); }
    }

    private ConvFormOracle() { }

    static int prod(int[] a) {
        int p = 1;
        for (int v : a) p *= v;
        return p;
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    /** Visits every (output position, tap, input position) triple with the input inside the image. */
    interface Visit { void at(int out, int tap, int in); }

    static void taps(Geo g, Visit v) {
        int n = g.n();
        int[] oi = new int[n];
        int[] ki = new int[n];
        for (int o = 0; o < g.outSize(); o++) {
            unravel(o, g.o, oi);
            for (int k = 0; k < g.taps(); k++) {
                unravel(k, g.k, ki);
                int in = 0;
                boolean ok = true;
                for (int m = 0; m < n; m++) {
                    int pos = oi[m] * g.s[m] + ki[m] * g.dil[m] - g.p[m];
                    if (pos < 0 || pos >= g.d[m]) {
                        ok = false;
                        break;
                    }
                    in = in * g.d[m] + pos;
                }
                if (ok) v.at(o, k, in);
            }
        }
    }

    /**
     * Fails the calling test when an operand's length does not fit the geometry (a caller bug the
     * index arithmetic below would otherwise turn into a wrong oracle or an index error).
     */
    static void checkLength(String what, long expected, double[] a) {
        assertEquals(expected, a.length, "oracle operand " + what + " does not fit the geometry");
    }

    static void unravel(int flat, int[] dims, int[] idx) {
        for (int m = dims.length - 1; m >= 0; m--) {
            idx[m] = flat % dims[m];
            flat /= dims[m];
        }
    }

    /** y = conv(x, w) + bias; x (B, C, D…), w (T, C, K…), bias (T) or null. */
    static double[] forward(Geo g, double[] x, double[] w, double[] bias) {
        int so = g.outSize();
        int si = g.inSize();
        int kt = g.taps();
        checkLength("x", (long) g.b * g.c * si, x);
        checkLength("w", (long) g.t * g.c * kt, w);
        if (bias != null) checkLength("bias", g.t, bias);
        double[] y = new double[g.b * g.t * so];
        taps(g, (o, k, in) -> {
            for (int b = 0; b < g.b; b++) {
                for (int t = 0; t < g.t; t++) {
                    double s = 0;
                    for (int c = 0; c < g.c; c++) s += w[(t * g.c + c) * kt + k] * x[(b * g.c + c) * si + in];
                    y[(b * g.t + t) * so + o] += s;
                }
            }
        });
        if (bias != null) {
            for (int i = 0; i < y.length; i++) y[i] += bias[(i / so) % g.t];
        }
        return y;
    }

    /** dL/dx given dL/dy. */
    static double[] backwardInput(Geo g, double[] gy, double[] w) {
        int so = g.outSize();
        int si = g.inSize();
        int kt = g.taps();
        checkLength("gy", (long) g.b * g.t * so, gy);
        checkLength("w", (long) g.t * g.c * kt, w);
        double[] gx = new double[g.b * g.c * si];
        taps(g, (o, k, in) -> {
            for (int b = 0; b < g.b; b++) {
                for (int t = 0; t < g.t; t++) {
                    double gv = gy[(b * g.t + t) * so + o];
                    for (int c = 0; c < g.c; c++) gx[(b * g.c + c) * si + in] += gv * w[(t * g.c + c) * kt + k];
                }
            }
        });
        return gx;
    }

    /** dL/dw given x and dL/dy. */
    static double[] backwardWeight(Geo g, double[] x, double[] gy) {
        int so = g.outSize();
        int si = g.inSize();
        int kt = g.taps();
        checkLength("x", (long) g.b * g.c * si, x);
        checkLength("gy", (long) g.b * g.t * so, gy);
        double[] gw = new double[g.t * g.c * kt];
        taps(g, (o, k, in) -> {
            for (int b = 0; b < g.b; b++) {
                for (int t = 0; t < g.t; t++) {
                    double gv = gy[(b * g.t + t) * so + o];
                    for (int c = 0; c < g.c; c++) gw[(t * g.c + c) * kt + k] += gv * x[(b * g.c + c) * si + in];
                }
            }
        });
        return gw;
    }

    /** dL/dbias[t] = Σ_{b, o} gy[b, t, o]. */
    static double[] backwardBias(Geo g, double[] gy) {
        double[] db = new double[g.t];
        int so = g.outSize();
        checkLength("gy", (long) g.b * g.t * so, gy);
        for (int i = 0; i < gy.length; i++) db[(i / so) % g.t] += gy[i];
        return db;
    }

    /** A CP kernel's factors in double: λ (R), U_T (T×R), U_C (C×R), U_K[n] (K_n×R), row-major. */
    record Cp(int r, double[] lambda, double[] ut, double[] uc, double[][] uk) {
        /** W[t, c, k…] = Σ_r λ_r U_T[t, r] U_C[c, r] ∏_n U_K[n][k_n, r]. */
        double[] reconstruct(Geo g) {
            double[] w = new double[g.t * g.c * g.taps()];
            int[] ki = new int[g.n()];
            for (int t = 0; t < g.t; t++) {
                for (int c = 0; c < g.c; c++) {
                    for (int k = 0; k < g.taps(); k++) {
                        unravel(k, g.k, ki);
                        double s = 0;
                        for (int rr = 0; rr < r; rr++) s += lambda[rr] * ut[t * r + rr] * uc[c * r + rr] * spatial(ki, rr);
                        w[(t * g.c + c) * g.taps() + k] = s;
                    }
                }
            }
            return w;
        }

        double spatial(int[] ki, int rr) {
            double v = 1;
            for (int n = 0; n < uk.length; n++) v *= uk[n][ki[n] * r + rr];
            return v;
        }

        double spatialExcept(int[] ki, int rr, int skip) {
            double v = 1;
            for (int n = 0; n < uk.length; n++) if (n != skip) v *= uk[n][ki[n] * r + rr];
            return v;
        }

        /** Gradients of the factors from dL/dW by the chain rule: {λ, U_T, U_C, U_K0, …}. */
        double[][] pullBack(Geo g, double[] dw) {
            double[][] out = new double[3 + uk.length][];
            out[0] = new double[r];
            out[1] = new double[ut.length];
            out[2] = new double[uc.length];
            for (int n = 0; n < uk.length; n++) out[3 + n] = new double[uk[n].length];
            int[] ki = new int[g.n()];
            for (int t = 0; t < g.t; t++) {
                for (int c = 0; c < g.c; c++) {
                    for (int k = 0; k < g.taps(); k++) {
                        unravel(k, g.k, ki);
                        double d = dw[(t * g.c + c) * g.taps() + k];
                        for (int rr = 0; rr < r; rr++) {
                            double sp = spatial(ki, rr);
                            double a = ut[t * r + rr];
                            double b = uc[c * r + rr];
                            double l = lambda[rr];
                            out[0][rr] += d * a * b * sp;
                            out[1][t * r + rr] += d * l * b * sp;
                            out[2][c * r + rr] += d * l * a * sp;
                            for (int n = 0; n < uk.length; n++) {
                                out[3 + n][ki[n] * r + rr] += d * l * a * b * spatialExcept(ki, rr, n);
                            }
                        }
                    }
                }
            }
            return out;
        }

        /** All parameter arrays in the order of {@link #pullBack}. */
        double[][] params() {
            double[][] p = new double[3 + uk.length][];
            p[0] = lambda;
            p[1] = ut;
            p[2] = uc;
            System.arraycopy(uk, 0, p, 3, uk.length);
            return p;
        }
    }

    /** A Tucker kernel in double: core (R_T, R_C, K…), U_T (T×R_T), U_C (C×R_C). */
    record Tucker(int rt, int rc, double[] core, double[] ut, double[] uc) {
        double[] reconstruct(Geo g) {
            int kt = g.taps();
            double[] w = new double[g.t * g.c * kt];
            for (int t = 0; t < g.t; t++) {
                for (int c = 0; c < g.c; c++) {
                    for (int k = 0; k < kt; k++) {
                        double s = 0;
                        for (int a = 0; a < rt; a++) {
                            for (int b = 0; b < rc; b++) s += ut[t * rt + a] * uc[c * rc + b] * core[(a * rc + b) * kt + k];
                        }
                        w[(t * g.c + c) * kt + k] = s;
                    }
                }
            }
            return w;
        }

        /** {dCore, dU_T, dU_C} from dL/dW. */
        double[][] pullBack(Geo g, double[] dw) {
            int kt = g.taps();
            double[] dcore = new double[core.length];
            double[] dut = new double[ut.length];
            double[] duc = new double[uc.length];
            for (int t = 0; t < g.t; t++) {
                for (int c = 0; c < g.c; c++) {
                    for (int k = 0; k < kt; k++) {
                        double d = dw[(t * g.c + c) * kt + k];
                        for (int a = 0; a < rt; a++) {
                            for (int b = 0; b < rc; b++) {
                                double gv = core[(a * rc + b) * kt + k];
                                dcore[(a * rc + b) * kt + k] += d * ut[t * rt + a] * uc[c * rc + b];
                                dut[t * rt + a] += d * uc[c * rc + b] * gv;
                                duc[c * rc + b] += d * ut[t * rt + a] * gv;
                            }
                        }
                    }
                }
            }
            return new double[][] {dcore, dut, duc};
        }
    }
}
