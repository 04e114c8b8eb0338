package dev.tenfold.linalg;

import dev.tenfold.simd.Kernels;
import java.lang.invoke.MethodHandles;

/**
 * Double-precision kernels on heap {@code double[]} for the dense solvers: dot, axpy, plane
 * rotation, and the two small matrix products the solvers and the Gram/range-finder loops need.
 * All offsets and leading dimensions are in elements; matrices are row-major.
 *
 * <p>Two implementations, chosen once like {@link Kernels}: {@link ScalarDoubleKernels} (plain
 * loops, the naive twin, always available) and a Vector API implementation loaded reflectively
 * when {@code jdk.incubator.vector} is present and {@code -Dtenfold.simd} is not {@code scalar}.
 * The missing-module warning is logged by {@link Kernels} (once), not here.
 */
interface DoubleKernels {

    /** Σ a[ao+i]·b[bo+i] for i &lt; n. */
    double dot(double[] a, int ao, double[] b, int bo, int n);

    /** y[yo+i] += alpha·x[xo+i] for i &lt; n. */
    void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n);

    /** Plane rotation for i &lt; n: x' = c·x − s·y, y' = s·x + c·y (x, y must not overlap). */
    void rotate(double[] x, int xo, double[] y, int yo, int n, double c, double s);

    /**
     * C += A·Bᵀ: {@code c[co + i*ldc + j] += Σ_p a[ao + i*lda + p]·b[bo + j*ldb + p]} for
     * i &lt; m, j &lt; n, p &lt; k. With {@code lowerOnly} only entries j ≤ i are updated (for a
     * symmetric product, A == B); the strictly upper part of C is left untouched.
     */
    void multiplyTransposedAdd(int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb,
                               double[] c, int co, int ldc, boolean lowerOnly);

    /**
     * C += Aᵀ·B: {@code c[co + i*ldc + j] += Σ_p a[ao + p*lda + i]·b[bo + p*ldb + j]} for
     * i &lt; m, j &lt; n, p &lt; k (A is k×m, B is k×n, C is m×n).
     */
    void transposedMultiplyAdd(int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb,
                               double[] c, int co, int ldc);

    /** Short name for logs and reports: {@code "scalar"} or {@code "panama-512"} etc. */
    String name();

    /** The kernels in use for this JVM. */
    static DoubleKernels get() {
        return Holder.KERNELS;
    }

    /**
     * The kernels for an operation of about {@code flops} floating-point operations: the Vector
     * API kernels only when the work amortises their warm-up (until C2 compiles them, Vector API
     * code runs ~100× slower than plain loops; a cold 50×50 SVD took ~300 ms on vector kernels and
     * ~20 ms on plain loops), else the plain loops. Default threshold 1e8 flops; override with
     * {@code -Dtenfold.linalg.vectorMinFlops=...}.
     */
    static DoubleKernels forWork(double flops) {
        return flops >= Holder.vectorMinFlops ? Holder.KERNELS : ScalarDoubleKernels.INSTANCE;
    }

    /** Sets the {@link #forWork} threshold (tests force either path); returns the previous one. */
    static double setVectorMinFlops(double flops) {
        double old = Holder.vectorMinFlops;
        Holder.vectorMinFlops = flops;
        return old;
    }

    /** The plain-loop kernels (the naive twin). */
    static DoubleKernels scalar() {
        return ScalarDoubleKernels.INSTANCE;
    }

    /** Lazy holder: the lookup runs on first use. */
    final class Holder {
        static final DoubleKernels KERNELS = lookup();
        static volatile double vectorMinFlops = Double.parseDouble(
                System.getProperty("tenfold.linalg.vectorMinFlops", "1e8"));

        private Holder() { }

        private static DoubleKernels lookup() {
            return Kernels.provider(MethodHandles.lookup(), "dev.tenfold.linalg.PanamaDoubleKernels", DoubleKernels.class,
                    ScalarDoubleKernels.INSTANCE, "double kernels");
        }
    }
}
