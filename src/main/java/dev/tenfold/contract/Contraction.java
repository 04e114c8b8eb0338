package dev.tenfold.contract;

import dev.tenfold.contract.PairContraction.Term;
import dev.tenfold.tensor.Tensor;
import java.util.Arrays;

/**
 * Pairwise tensor contraction (numpy.tensordot): sums A and B over paired axes; the result's
 * axes are A's remaining axes in order, then B's remaining axes in order. Executed by TTGT:
 * each operand is seen as a matrix (free axes × contracted axes) — a strided view when its
 * strides allow ({@link Tensor#view} would succeed), otherwise after one contiguous permuted
 * copy — and multiplied by one GEMM straight into the result.
 */
public final class Contraction {
    private Contraction() { }

    /**
     * Σ over {@code axesA[k]} of A paired with {@code axesB[k]} of B. Negative axes count from
     * the end. The result is a new contiguous tensor in A's scope (rank 0 when every axis is
     * contracted).
     *
     * @throws IllegalArgumentException for mismatched lengths, out-of-range or repeated axes,
     *         or paired axes of different sizes
     */
    public static Tensor tensordot(Tensor a, Tensor b, int[] axesA, int[] axesB) {
        if (a == null || b == null) throw new IllegalArgumentException("tensordot: a and b must not be null");
        if (axesA == null || axesB == null) throw new IllegalArgumentException("tensordot: axesA and axesB must not be null");
        if (axesA.length != axesB.length) {
            throw new IllegalArgumentException("tensordot: axesA " + Arrays.toString(axesA) + " and axesB "
                    + Arrays.toString(axesB) + " must have the same length");
        }
        int ra = a.rank(), rb = b.rank();
        if (ra + rb > 64) throw new IllegalArgumentException("tensordot: ranks " + ra + " + " + rb + " exceed 64");
        int[] la = new int[ra];
        int[] lb = new int[rb];
        Arrays.fill(lb, -1);
        for (int i = 0; i < ra; i++) la[i] = i;
        boolean[] usedA = new boolean[ra];
        for (int k = 0; k < axesA.length; k++) {
            int x = a.shape().normalizeAxis(axesA[k], "tensordot: axesA entry");
            int y = b.shape().normalizeAxis(axesB[k], "tensordot: axesB entry");
            if (usedA[x] || lb[y] >= 0) {
                throw new IllegalArgumentException("tensordot: axis repeated in axesA " + Arrays.toString(axesA)
                        + " or axesB " + Arrays.toString(axesB));
            }
            if (a.dim(x) != b.dim(y)) {
                throw new IllegalArgumentException("tensordot: axis " + x + " of a " + a.shape() + " has size " + a.dim(x)
                        + " but axis " + y + " of b " + b.shape() + " has size " + b.dim(y));
            }
            usedA[x] = true;
            lb[y] = x;
        }
        int[] out = new int[ra + rb - 2 * axesA.length];
        int n = 0;
        for (int i = 0; i < ra; i++) if (!usedA[i]) out[n++] = i;
        for (int j = 0; j < rb; j++) {
            if (lb[j] < 0) {
                lb[j] = ra + j;
                out[n++] = lb[j];
            }
        }
        try (Scratch scratch = new Scratch()) {
            return PairContraction.contract(new Term(a, la), new Term(b, lb), EinsumSpec.mask(out), out, a.scope(), scratch).t();
        }
    }

    /** numpy's {@code tensordot(a, b, axes=n)}: the last n axes of A with the first n of B. */
    public static Tensor tensordot(Tensor a, Tensor b, int axes) {
        if (a == null || b == null) throw new IllegalArgumentException("tensordot: a and b must not be null");
        if (axes < 0 || axes > a.rank() || axes > b.rank()) {
            throw new IllegalArgumentException("tensordot: axes=" + axes + " must be in [0, min(rank)] for shapes "
                    + a.shape() + " and " + b.shape());
        }
        int[] x = new int[axes];
        int[] y = new int[axes];
        for (int k = 0; k < axes; k++) {
            x[k] = a.rank() - axes + k;
            y[k] = k;
        }
        return tensordot(a, b, x, y);
    }
}
