package dev.tenfold.linalg;

import dev.tenfold.simd.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link DoubleKernels}. Loaded only reflectively by {@link DoubleKernels#get()}, so a
 * JVM without {@code jdk.incubator.vector} never touches this class. Loop template: independent
 * accumulators, one reduction after the loop, scalar tail. The species is fixed at class
 * initialisation from {@code -Dtenfold.simd=128|256|512} or the preferred shape.
 */
final class PanamaDoubleKernels implements DoubleKernels {
    static final VectorSpecies<Double> D = pickSpecies(System.getProperty(Kernels.PROPERTY, "auto"));
    private static final int L = D.length();
    /**
     * dot/axpy/rotate shorter than this run the plain loop: for the short vectors of small
     * solves the vector code gains little once compiled, and costs much while it is still
     * interpreted (a cold JVM runs Vector API code ~100× slower until C2 compiles it).
     */
    static final int SHORT = 32;

    static VectorSpecies<Double> pickSpecies(String prop) {
        return switch (prop.trim()) {
            case "128" -> DoubleVector.SPECIES_128;
            case "256" -> DoubleVector.SPECIES_256;
            case "512" -> DoubleVector.SPECIES_512;
            default -> DoubleVector.SPECIES_PREFERRED;
        };
    }

    PanamaDoubleKernels() { }

    private static DoubleVector load(double[] a, int i) {
        return DoubleVector.fromArray(D, a, i);
    }

    @Override public String name() { return "panama-" + D.vectorBitSize(); }

    @Override
    public double dot(double[] a, int ao, double[] b, int bo, int n) {
        if (n < SHORT) return ScalarDoubleKernels.INSTANCE.dot(a, ao, b, bo, n);
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int e = n - 4 * L; i <= e; i += 4 * L) {
            s0 = load(a, ao + i).fma(load(b, bo + i), s0);
            s1 = load(a, ao + i + L).fma(load(b, bo + i + L), s1);
            s2 = load(a, ao + i + 2 * L).fma(load(b, bo + i + 2 * L), s2);
            s3 = load(a, ao + i + 3 * L).fma(load(b, bo + i + 3 * L), s3);
        }
        for (int e = n - L; i <= e; i += L) s0 = load(a, ao + i).fma(load(b, bo + i), s0);
        double s = sum(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        if (n < SHORT) {
            ScalarDoubleKernels.INSTANCE.axpy(alpha, x, xo, y, yo, n);
            return;
        }
        DoubleVector av = DoubleVector.broadcast(D, alpha);
        int i = 0;
        for (int e = D.loopBound(n); i < e; i += L) {
            load(x, xo + i).fma(av, load(y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public void rotate(double[] x, int xo, double[] y, int yo, int n, double c, double s) {
        if (n < SHORT) {
            ScalarDoubleKernels.INSTANCE.rotate(x, xo, y, yo, n, c, s);
            return;
        }
        DoubleVector cv = DoubleVector.broadcast(D, c);
        DoubleVector sv = DoubleVector.broadcast(D, s);
        int i = 0;
        for (int e = D.loopBound(n); i < e; i += L) {
            DoubleVector xv = load(x, xo + i);
            DoubleVector yv = load(y, yo + i);
            xv.mul(cv).sub(yv.mul(sv)).intoArray(x, xo + i);
            xv.mul(sv).add(yv.mul(cv)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            double xi = x[xo + i];
            double yi = y[yo + i];
            x[xo + i] = c * xi - s * yi;
            y[yo + i] = s * xi + c * yi;
        }
    }

    @Override
    public void multiplyTransposedAdd(int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb,
                                      double[] c, int co, int ldc, boolean lowerOnly) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int jEnd = lowerOnly ? Math.min(n, i + 4) : n;
            int j = 0;
            for (; j + 4 <= jEnd; j += 4) {
                boolean masked = lowerOnly && j + 3 > i;
                int diag = masked ? i - j : 3;
                tile2x4(k, a, ao + i * lda, lda, b, bo + j * ldb, ldb, c, co + i * ldc + j, ldc, diag);
                tile2x4(k, a, ao + (i + 2) * lda, lda, b, bo + j * ldb, ldb, c, co + (i + 2) * ldc + j, ldc, diag + 2);
            }
            for (; j < jEnd; j++) {
                for (int r = 0; r < 4; r++) {
                    if (!lowerOnly || j <= i + r) {
                        c[co + (i + r) * ldc + j] += dot(a, ao + (i + r) * lda, b, bo + j * ldb, k);
                    }
                }
            }
        }
        for (; i < m; i++) {
            int jEnd = lowerOnly ? Math.min(n, i + 1) : n;
            for (int j = 0; j < jEnd; j++) c[co + i * ldc + j] += dot(a, ao + i * lda, b, bo + j * ldb, k);
        }
    }

    /**
     * 2×4 tile of C += A·Bᵀ with 8 vector accumulators (5 operands: fits AVX2's 16 registers, where
     * a 4×4 tile spilled 16 values per step). Entry (r, q) is written only when q ≤ r + diag
     * (diag ≥ 3 writes the whole tile; diag = i − j masks the strict upper part).
     */
    private static void tile2x4(int k, double[] a, int a0, int lda, double[] b, int b0, int ldb,
                                double[] c, int c0, int ldc, int diag) {
        int a1 = a0 + lda;
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        DoubleVector z = DoubleVector.zero(D);
        DoubleVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        int p = 0;
        for (int e = D.loopBound(k); p < e; p += L) {
            DoubleVector y0 = load(b, b0 + p), y1 = load(b, b1 + p), y2 = load(b, b2 + p), y3 = load(b, b3 + p);
            DoubleVector x = load(a, a0 + p);
            c00 = x.fma(y0, c00); c01 = x.fma(y1, c01); c02 = x.fma(y2, c02); c03 = x.fma(y3, c03);
            x = load(a, a1 + p);
            c10 = x.fma(y0, c10); c11 = x.fma(y1, c11); c12 = x.fma(y2, c12); c13 = x.fma(y3, c13);
        }
        double[] s = {sum(c00), sum(c01), sum(c02), sum(c03), sum(c10), sum(c11), sum(c12), sum(c13)};
        for (; p < k; p++) {
            for (int r = 0; r < 2; r++) {
                double x = a[a0 + r * lda + p];
                for (int q = 0; q < 4; q++) s[4 * r + q] += x * b[b0 + q * ldb + p];
            }
        }
        for (int r = 0; r < 2; r++) {
            int qEnd = Math.min(3, r + diag);
            for (int q = 0; q <= qEnd; q++) c[c0 + r * ldc + q] += s[4 * r + q];
        }
    }

    /**
     * Σ lanes in lane order: the same bits interpreted or compiled ({@code reduceLanes} may add in
     * another order once C2 compiles the caller, so results would depend on JIT state).
     */
    private static double sum(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < L; l++) s += v.lane(l);
        return s;
    }

    @Override
    public void transposedMultiplyAdd(int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb,
                                      double[] c, int co, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = co + i * ldc, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                DoubleVector c00 = load(c, r0 + j), c01 = load(c, r0 + j + L);
                DoubleVector c10 = load(c, r1 + j), c11 = load(c, r1 + j + L);
                DoubleVector c20 = load(c, r2 + j), c21 = load(c, r2 + j + L);
                DoubleVector c30 = load(c, r3 + j), c31 = load(c, r3 + j + L);
                for (int p = 0; p < k; p++) {
                    int ap = ao + p * lda + i;
                    int bp = bo + p * ldb + j;
                    DoubleVector y0 = load(b, bp), y1 = load(b, bp + L);
                    DoubleVector x = DoubleVector.broadcast(D, a[ap]);
                    c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
                    x = DoubleVector.broadcast(D, a[ap + 1]);
                    c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
                    x = DoubleVector.broadcast(D, a[ap + 2]);
                    c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
                    x = DoubleVector.broadcast(D, a[ap + 3]);
                    c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
                }
                c00.intoArray(c, r0 + j); c01.intoArray(c, r0 + j + L);
                c10.intoArray(c, r1 + j); c11.intoArray(c, r1 + j + L);
                c20.intoArray(c, r2 + j); c21.intoArray(c, r2 + j + L);
                c30.intoArray(c, r3 + j); c31.intoArray(c, r3 + j + L);
            }
            if (j < n) axpyRows(i, 4, j, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
        }
        if (i < m) axpyRows(i, m - i, 0, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
    }

    /** Rows [i0, i0+rows) and columns [j0, n) of C += Aᵀ·B as axpy updates (the tails). */
    private void axpyRows(int i0, int rows, int j0, int n, int k, double[] a, int ao, int lda, double[] b, int bo,
                          int ldb, double[] c, int co, int ldc) {
        for (int r = i0; r < i0 + rows; r++) {
            for (int p = 0; p < k; p++) {
                axpy(a[ao + p * lda + r], b, bo + p * ldb + j0, c, co + r * ldc + j0, n - j0);
            }
        }
    }
}
