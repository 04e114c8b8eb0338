package dev.tenfold.decomp;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Oracles for the decomposition tests: naive loops in double over every element. */
final class DecompTestSupport {
    private DecompTestSupport() { }

    /** Σ_r λ_r Π_n U_n[i_n, r] for every multi-index, row-major, in double. */
    static double[] denseCp(CpTensor cp) {
        int[] dims = cp.dims();
        int r = cp.rank();
        float[] w = cp.weights().toArray();
        float[][] u = new float[dims.length][];
        for (int n = 0; n < dims.length; n++) u[n] = cp.factor(n).toArray();
        int size = 1;
        for (int d : dims) size *= d;
        double[] out = new double[size];
        int[] idx = new int[dims.length];
        for (int f = 0; f < size; f++) {
            double s = 0;
            for (int c = 0; c < r; c++) {
                double p = w[c];
                for (int n = 0; n < dims.length; n++) p *= u[n][idx[n] * r + c];
                s += p;
            }
            out[f] = s;
            next(idx, dims);
        }
        return out;
    }

    /** Σ_{j} G[j_0 … j_{N−1}] Π_n U_n[i_n, j_n] for every multi-index, in double. */
    static double[] denseTucker(TuckerTensor t) {
        int[] dims = t.shape().dims(), ranks = t.ranks();
        float[] g = t.core().toArray();
        float[][] u = new float[dims.length][];
        for (int n = 0; n < dims.length; n++) u[n] = t.factor(n).toArray();
        int size = 1;
        for (int d : dims) size *= d;
        double[] out = new double[size];
        int[] idx = new int[dims.length];
        for (int f = 0; f < size; f++) {
            int[] j = new int[dims.length];
            double s = 0;
            for (int c = 0; c < g.length; c++) {
                double p = g[c];
                for (int n = 0; n < dims.length; n++) p *= u[n][idx[n] * ranks[n] + j[n]];
                s += p;
                next(j, ranks);
            }
            out[f] = s;
            next(idx, dims);
        }
        return out;
    }

    static void next(int[] idx, int[] dims) {
        for (int k = dims.length - 1; k >= 0; k--) {
            if (++idx[k] < dims[k]) return;
            idx[k] = 0;
        }
    }

    /** ‖a − b‖ / ‖b‖ in double. */
    static double relError(float[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < b.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /** ‖x − model‖ / ‖x‖ in double, the model given densely. */
    static double relError(Tensor x, double[] model) {
        float[] xv = x.toArray();
        double num = 0, den = 0;
        for (int i = 0; i < xv.length; i++) {
            num += (xv[i] - model[i]) * (xv[i] - model[i]);
            den += (double) xv[i] * xv[i];
        }
        return Math.sqrt(num / den);
    }

    static Tensor fromDoubles(TensorScope scope, double[] v, int... dims) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return scope.fromArray(f, dims);
    }

    /** A CP tensor with standard normal factors and weights 1. */
    static CpTensor gaussianCp(TensorScope scope, long seed, int rank, int... dims) {
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) us.add(scope.normal(seed * 31 + n, 0f, 1f, dims[n], rank));
        return new CpTensor(scope.ones(rank), us);
    }

    /** A Tucker tensor with a normal core and orthonormal factors (QR of normal matrices). */
    static TuckerTensor randomTucker(TensorScope scope, long seed, int[] dims, int[] ranks) {
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) {
            Tensor g = scope.normal(seed * 17 + n, 0f, 1f, dims[n], ranks[n]);
            double[] q = dev.tenfold.linalg.QR.factor(dev.tenfold.linalg.DenseMatrix.fromTensor(g)).q().data();
            us.add(fromDoubles(scope, q, dims[n], ranks[n]));
        }
        return new TuckerTensor(scope.normal(seed, 0f, 1f, ranks), us);
    }

    static int[] randomDims(Random rng, int order, int max) {
        int[] d = new int[order];
        for (int n = 0; n < order; n++) d[n] = 1 + rng.nextInt(max);
        return d;
    }

    /** x + level·‖x‖/‖noise‖·noise (a new tensor in x's scope). */
    static Tensor withNoise(Tensor x, double level, long seed) {
        Tensor noise = x.scope().normal(seed, 0f, 1f, x.dims());
        return x.add(noise.scale((float) (level * x.norm() / noise.norm())));
    }
}
