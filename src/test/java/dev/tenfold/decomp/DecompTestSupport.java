package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Oracles for the decomposition tests: naive loops in double over every element. Each helper
 * fails the calling test (through JUnit) when it is handed operands that do not fit together.
 */
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
        assertEquals(b.length, a.length, "relError: the two operands differ in length");
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
        assertEquals(xv.length, model.length, () -> "relError: a model of " + model.length + " values for x of shape " + x.shape());
        double num = 0, den = 0;
        for (int i = 0; i < xv.length; i++) {
            num += (xv[i] - model[i]) * (xv[i] - model[i]);
            den += (double) xv[i] * xv[i];
        }
        return Math.sqrt(num / den);
    }

    static Tensor fromDoubles(TensorScope scope, double[] v, int... dims) {
        long size = 1;
        for (int d : dims) size *= d;
        assertEquals(size, v.length, () -> "fromDoubles: " + v.length + " values for dims " + java.util.Arrays.toString(dims));
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
        assertEquals(dims.length, ranks.length, "randomTucker: one rank per mode");
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) {
            assertTrue(ranks[n] >= 1 && ranks[n] <= dims[n], "randomTucker: rank " + ranks[n] + " for a mode of size " + dims[n]);
            Tensor g = scope.normal(seed * 17 + n, 0f, 1f, dims[n], ranks[n]);
            double[] q = dev.tenfold.linalg.QR.factor(dev.tenfold.linalg.DenseMatrix.fromTensor(g)).q().data();
            assertOrthonormalColumns(q, dims[n], ranks[n]);
            us.add(fromDoubles(scope, q, dims[n], ranks[n]));
        }
        return new TuckerTensor(scope.normal(seed, 0f, 1f, ranks), us);
    }

    /** QᵀQ = I to 1e-9 for the row-major (rows × cols) q: the factors the Tucker oracles promise. */
    private static void assertOrthonormalColumns(double[] q, int rows, int cols) {
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < cols; b++) {
                double s = 0;
                for (int i = 0; i < rows; i++) s += q[i * cols + a] * q[i * cols + b];
                assertEquals(a == b ? 1.0 : 0.0, s, 1e-9, "randomTucker: factor columns " + a + ", " + b);
            }
        }
    }

    static int[] randomDims(Random rng, int order, int max) {
        int[] d = new int[order];
        for (int n = 0; n < order; n++) d[n] = 1 + rng.nextInt(max);
        return d;
    }

    /** x + level·‖x‖/‖noise‖·noise (a new tensor in x's scope). */
    static Tensor withNoise(Tensor x, double level, long seed) {
        assertTrue(level >= 0 && x.norm() > 0, "withNoise: level " + level + " on a tensor of norm " + x.norm());
        Tensor noise = x.scope().normal(seed, 0f, 1f, x.dims());
        return x.add(noise.scale((float) (level * x.norm() / noise.norm())));
    }

    /**
     * Asserts that the row-major (rows × r) bases span the same subspace: their projectors U·Uᵀ
     * agree entry by entry within {@code tol} (single vectors are ill-defined for close singular values).
     */
    static void assertSameSubspace(double[] want, double[] got, int rows, int r, double tol, String ctx) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                double pw = 0, pg = 0;
                for (int c = 0; c < r; c++) {
                    pw += want[i * r + c] * want[j * r + c];
                    pg += got[i * r + c] * got[j * r + c];
                }
                assertEquals(pw, pg, tol, "projector (" + i + ", " + j + ") of " + ctx);
            }
        }
    }
}
