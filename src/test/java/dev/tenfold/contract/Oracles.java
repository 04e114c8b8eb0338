package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;
import java.util.Random;

/** Independent double-precision oracles (explicit index loops) and random operands for the contraction tests. */
final class Oracles {
    private Oracles() { }

    /** Reference values plus, per element, Σ|terms| (scales the float rounding tolerance). */
    record Expected(int[] dims, double[] values, double[] magnitude) { }

    static double[] values(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Random N(0,1) tensor, contiguous. */
    static Tensor random(TensorScope scope, Random rng, int... dims) {
        return scope.normal(rng.nextLong(), 0f, 1f, dims);
    }

    /**
     * A random tensor of logical shape {@code dims} whose memory layout is not row-major: axes
     * stored in a random order, with a random axis padded (step-2 slice) when {@code pad}.
     */
    static Tensor strided(TensorScope scope, Random rng, boolean pad, int... dims) {
        int r = dims.length;
        if (r == 0) return random(scope, rng);
        int[] perm = shuffled(rng, r);
        int padAxis = pad ? rng.nextInt(r) : -1;
        int[] stored = new int[r];
        for (int k = 0; k < r; k++) stored[k] = dims[perm[k]] * (perm[k] == padAxis ? 2 : 1);
        Tensor base = random(scope, rng, stored);
        for (int k = 0; k < r; k++) {
            if (perm[k] == padAxis) base = base.slice(k, 1, stored[k], 2);
        }
        int[] inverse = new int[r];
        for (int k = 0; k < r; k++) inverse[perm[k]] = k;
        Tensor view = base.permute(inverse);
        assertArrayEquals(dims, view.dims());
        return view;
    }

    /** Contiguous or (randomly) a strided view. */
    static Tensor anyLayout(TensorScope scope, Random rng, int... dims) {
        return rng.nextBoolean() ? random(scope, rng, dims) : strided(scope, rng, rng.nextBoolean(), dims);
    }

    static int[] shuffled(Random rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * einsum by brute force: one loop nest over every index, in double. {@code expr} must have
     * an explicit "->" (letters only).
     */
    static Expected einsum(String expr, Tensor... ops) {
        String[] io = expr.split("->", -1);
        String[] terms = io[0].split(",", -1);
        String out = io[1];
        int[] size = new int[128];
        StringBuilder all = new StringBuilder();
        double[][] vals = new double[ops.length][];
        for (int t = 0; t < ops.length; t++) {
            vals[t] = values(ops[t]);
            for (int i = 0; i < terms[t].length(); i++) {
                char c = terms[t].charAt(i);
                size[c] = ops[t].dim(i);
                if (all.indexOf(String.valueOf(c)) < 0) all.append(c);
            }
        }
        String labels = all.toString();
        int[] outDims = new int[out.length()];
        for (int i = 0; i < outDims.length; i++) outDims[i] = size[out.charAt(i)];
        int outSize = 1;
        for (int d : outDims) outSize *= d;
        double[] res = new double[outSize];
        double[] mag = new double[outSize];
        int[] idx = new int[128];
        int[] order = labels.chars().toArray();
        while (true) {
            double p = 1;
            for (int t = 0; t < ops.length; t++) p *= vals[t][flat(terms[t], idx, ops[t].dims())];
            int o = flat(out, idx, outDims);
            res[o] += p;
            mag[o] += Math.abs(p);
            int k = order.length - 1;
            for (; k >= 0; k--) {
                if (++idx[order[k]] < size[order[k]]) break;
                idx[order[k]] = 0;
            }
            if (k < 0) break;
        }
        return new Expected(outDims, res, mag);
    }

    private static int flat(String term, int[] idx, int[] dims) {
        int f = 0;
        for (int i = 0; i < term.length(); i++) f = f * dims[i] + idx[term.charAt(i)];
        return f;
    }

    /** Asserts shape and |got - want| ≤ 1e-4·(1 + Σ|terms|) element-wise. */
    static void assertClose(Expected want, Tensor got, String context) {
        assertArrayEquals(want.dims(), got.dims(), () -> context + ": shape " + got.shape());
        double[] g = values(got);
        for (int i = 0; i < g.length; i++) {
            double tol = 1e-4 * (1 + want.magnitude()[i]);
            int at = i;
            assertTrue(Math.abs(g[i] - want.values()[i]) <= tol,
                    () -> context + ": element " + at + " is " + g[at] + ", expected " + want.values()[at]);
        }
    }

    /** Assert two float tensors are equal within a relative tolerance of their scale. */
    static void assertClose(Tensor want, Tensor got, double tol, String context) {
        assertArrayEquals(want.dims(), got.dims(), () -> context + ": shape " + got.shape() + " vs " + want.shape());
        double[] w = values(want), g = values(got);
        double scale = 1;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < g.length; i++) {
            int at = i;
            double s = scale;
            assertTrue(Math.abs(g[i] - w[i]) <= tol * s,
                    () -> context + ": element " + at + " is " + g[at] + ", expected " + w[at] + " (scale " + s + ")");
        }
    }

    static int[] randomDims(Random rng, int rank, int maxDim) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = 1 + rng.nextInt(maxDim);
        return d;
    }

    static String str(int[] a) {
        return Arrays.toString(a);
    }
}
