package dev.tenfold.contract;

import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.simd.UnaryOp;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Kronecker product of matrices: for A (m × n) and B (p × q), {@code A ⊗ B} is (m·p × n·q) with
 * {@code (A ⊗ B)[i·p + k, j·q + l] = A[i, j] · B[k, l]} (A's indices vary slowest, the same
 * ordering as {@link KhatriRao}). Each output row segment is a SIMD-scaled row of B.
 */
public final class Kronecker {
    private Kronecker() { }

    /** A ⊗ B as a new tensor in A's scope. */
    public static Tensor of(Tensor a, Tensor b) {
        return into(a, b, a == null ? null : a.scope());
    }

    private static Tensor into(Tensor a, Tensor b, TensorScope target) {
        if (a == null || b == null) throw new IllegalArgumentException("Kronecker.of: a and b must not be null");
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("Kronecker.of: a and b must be 2-D, got shapes " + a.shape() + " and "
                    + b.shape());
        }
        int m = a.dim(0), n = a.dim(1), p = b.dim(0), q = b.dim(1);
        long rows = (long) m * p, cols = (long) n * q;
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Kronecker.of: result of " + a.shape() + " ⊗ " + b.shape() + " is too large");
        }
        Tensor out = target.zeros((int) rows, (int) cols);
        try (TensorScope tmp = b.isContiguous() ? null : TensorScope.open()) { // a strided b is copied here, then freed
            Tensor bc = b.contiguousIn(tmp);
            float[] av = a.toArray();
            FloatKernels k = Kernels.get();
            MemorySegment bs = bc.segment(), os = out.segment();
            long bo = bc.offset();
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < p; kk++) {
                    long row = ((long) i * p + kk) * cols;
                    for (int j = 0; j < n; j++) {
                        k.unary(UnaryOp.SCALE, av[i * n + j], 0f, bs, bo + (long) kk * q, os, row + (long) j * q, q);
                    }
                }
            }
        }
        return out;
    }

    /** U_0 ⊗ U_1 ⊗ … ⊗ U_{M-1} (at least one matrix), in the first matrix's scope. */
    public static Tensor of(List<Tensor> mats) {
        if (mats == null || mats.isEmpty()) throw new IllegalArgumentException("Kronecker.of: needs at least one matrix");
        Tensor acc = mats.get(0);
        if (acc == null || acc.rank() != 2) {
            throw new IllegalArgumentException("Kronecker.of: matrix 0 must be 2-D, got " + (acc == null ? "null" : acc.shape()));
        }
        if (mats.size() == 1) return acc.copy();
        TensorScope result = acc.scope();
        try (Scratch scratch = new Scratch()) {
            for (int i = 1; i < mats.size(); i++) {
                acc = into(acc, mats.get(i), i == mats.size() - 1 ? result : scratch.scope());
            }
            return acc;
        }
    }
}
