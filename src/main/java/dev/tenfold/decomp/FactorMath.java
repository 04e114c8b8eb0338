package dev.tenfold.decomp;

import dev.tenfold.simd.BinaryOp;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Small-matrix helpers shared by the decompositions. Factor matrices are (I × R) row-major; the
 * R×R Gram matrices and solves run in double on the heap (R is at most a few hundred, so these
 * cost O(I·R²) and never dominate a sweep, which costs O(size(X)·R)).
 */
final class FactorMath {
    private FactorMath() { }

    /** Row-major float values of a 2-D tensor, widened to double. */
    static double[] toDoubles(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Writes {@code values} (row-major, rounded to float) into the contiguous tensor {@code dst}. */
    static void store(double[] values, Tensor dst) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        store(f, dst);
    }

    /** Writes {@code values} into the contiguous tensor {@code dst}. */
    static void store(float[] values, Tensor dst) {
        if (!dst.isContiguous() || dst.size() != values.length) {
            throw new IllegalStateException("store: destination " + dst.shape() + " is not a contiguous block of "
                    + values.length + " floats");
        }
        MemorySegment.copy(values, 0, dst.segment(), ValueLayout.JAVA_FLOAT, dst.offset() * Float.BYTES, values.length);
    }

    /** Rounds every value to float32 in place (so heap copies match what the tensors hold). */
    static void roundToFloat(double[] v) {
        for (int i = 0; i < v.length; i++) v[i] = (float) v[i];
    }

    /** UᵀU (R×R) of a row-major (rows × r) matrix (fixed summation order, see {@link SmallSpd#gram}). */
    static double[] gram(double[] u, int rows, int r) {
        return SmallSpd.gram(u, rows, r);
    }

    /** Element-wise product of the Gram matrices of every mode except {@code skip} (-1: none). */
    static double[] hadamardExcept(double[][] grams, int skip, int r) {
        double[] g = new double[r * r];
        java.util.Arrays.fill(g, 1);
        for (int k = 0; k < grams.length; k++) {
            if (k == skip) continue;
            for (int i = 0; i < g.length; i++) g[i] *= grams[k][i];
        }
        return g;
    }

    /** λᵀ·G·λ for a symmetric R×R G. */
    static double quadratic(double[] g, double[] lambda) {
        int r = lambda.length;
        double s = 0;
        for (int i = 0; i < r; i++) {
            double row = 0;
            for (int j = 0; j < r; j++) row += g[i * r + j] * lambda[j];
            s += lambda[i] * row;
        }
        return s;
    }

    /** Euclidean norm of each column of a row-major (rows × r) matrix. */
    static double[] columnNorms(double[] u, int rows, int r) {
        double[] n = new double[r];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < r; c++) n[c] += u[i * r + c] * u[i * r + c];
        }
        for (int c = 0; c < r; c++) n[c] = Math.sqrt(n[c]);
        return n;
    }

    /** Multiplies column c by {@code s[c]} in place. */
    static void scaleColumns(double[] u, int rows, double[] s) {
        int r = s.length;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < r; c++) u[i * r + c] *= s[c];
        }
    }

    /** Σ_r w_r Σ_i a[i, r]·b[i, r] for row-major (rows × r) matrices. */
    static double weightedColumnDot(double[] a, double[] b, double[] w, int rows) {
        int r = w.length;
        double[] col = new double[r];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < r; c++) col[c] += a[i * r + c] * b[i * r + c];
        }
        double s = 0;
        for (int c = 0; c < r; c++) s += w[c] * col[c];
        return s;
    }

    /** √max(0, ‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩) / ‖X‖ (tiny negatives from rounding clamp to 0). */
    static double relativeError(double normX2, double normHat2, double inner) {
        double e2 = normX2 + normHat2 - 2 * inner;
        if (normX2 == 0) return Math.sqrt(Math.max(0, normHat2));
        return Math.sqrt(Math.max(0, e2) / normX2);
    }

    /**
     * Khatri-Rao product of contiguous (I_m × R) factors, first factor slowest (the
     * {@code dev.tenfold.contract} convention), written into the contiguous (∏ I_m × R) tensor
     * {@code dst} without allocating. Rows are element-wise products of factor rows through the
     * SIMD kernels; the product is expanded in place one factor at a time.
     */
    static void khatriRaoInto(List<Tensor> mats, Tensor dst) {
        int r = dst.dim(1);
        FloatKernels k = Kernels.get();
        MemorySegment o = dst.segment();
        long base = dst.offset();
        Tensor first = mats.get(0);
        k.copy(first.segment(), first.offset(), o, base, (long) first.dim(0) * r);
        long have = first.dim(0);
        for (int m = 1; m < mats.size(); m++) {
            Tensor u = mats.get(m);
            MemorySegment us = u.segment();
            long uo = u.offset();
            int im = u.dim(0);
            // row p*im+i = row p ⊙ U[i]; from the back so row p is read before it is overwritten
            for (long p = have - 1; p >= 0; p--) {
                for (int i = im - 1; i >= 0; i--) {
                    k.binary(BinaryOp.MUL, o, base + p * r, us, uo + (long) i * r, o, base + (p * im + i) * r, r);
                }
            }
            have *= im;
        }
    }

    /** Product of {@code dims[from..to)} as a long. */
    static long product(int[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= dims[i];
        return p;
    }
}
