package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/** Helpers for the GEMM tests: operands in various layouts and an error-bounded comparison. */
final class GemmTestSupport {
    /** Unit roundoff of float. */
    static final double EPS = 0x1p-24;

    private GemmTestSupport() { }

    /**
     * A rows×cols tensor of uniform values in [-1, 1) in layout {@code layout % 4}: 0 contiguous,
     * 1 transposed view, 2 sliced with step 2 along rows and columns, 3 transposed slice with step 3.
     */
    static Tensor operand(TensorScope scope, long seed, int rows, int cols, int layout) {
        return switch (layout % 4) {
            case 0 -> scope.uniform(seed, -1, 1, rows, cols);
            case 1 -> scope.uniform(seed, -1, 1, cols, rows).t();
            case 2 -> scope.uniform(seed, -1, 1, 2 * rows + 1, 2 * cols).slice(0, 1, 2 * rows + 1, 2).slice(1, 0, 2 * cols, 2);
            default -> scope.uniform(seed, -1, 1, 3 * cols, rows + 2).slice(0, 0, 3 * cols, 3).narrow(1, 1, rows).t();
        };
    }

    /** |x| element-wise (new contiguous tensor). */
    static Tensor abs(Tensor x) {
        return x.abs();
    }

    /**
     * Asserts {@code actual} equals the double-accumulated reference {@code expected} within the
     * forward error bound of float accumulation: (k + 2)·eps·bound, where {@code bound} is
     * |alpha|·|A|·|B| + |beta|·|C0| computed by the naive kernel.
     */
    static void assertClose(Tensor expected, Tensor actual, Tensor bound, int k, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        float[] e = expected.toArray(), a = actual.toArray(), b = bound.toArray();
        for (int i = 0; i < e.length; i++) {
            double tol = (k + 2) * EPS * b[i] * 2 + Float.MIN_NORMAL;
            if (!(Math.abs((double) e[i] - a[i]) <= tol)) {
                fail(what + ": element " + i + " of " + actual.shape() + " is " + a[i] + ", expected " + e[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    /** JUnit extension for tests that change {@link Gemm#setThreads}: the count is restored after each test. */
    static final class ThreadsRestored implements org.junit.jupiter.api.extension.BeforeEachCallback,
            org.junit.jupiter.api.extension.AfterEachCallback {
        private static final org.junit.jupiter.api.extension.ExtensionContext.Namespace NS =
                org.junit.jupiter.api.extension.ExtensionContext.Namespace.create(ThreadsRestored.class);

        @Override
        public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            context.getStore(NS).put("threads", Gemm.threads());
        }

        @Override
        public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            Integer saved = context.getStore(NS).get("threads", Integer.class);
            if (saved != null) Gemm.setThreads(saved);
        }
    }
}
