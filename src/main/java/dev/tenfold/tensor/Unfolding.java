package dev.tenfold.tensor;

/**
 * Mode-n unfolding in the TensorLy convention: move mode n to the front, then reshape to
 * (I_n, ∏ other dims) in C order. So column index j of {@code unfold(X, n)} enumerates the
 * remaining modes (0..n-1, n+1..N-1) row-major, the last varying fastest. {@code fold} inverts it.
 */
final class Unfolding {
    private Unfolding() { }

    static Tensor unfold(Tensor x, int mode) {
        int n = x.shape().normalizeAxis(mode, "mode");
        int[] perm = modeFirst(x.rank(), n);
        int rest = (int) (x.size() / x.dim(n));
        return x.permute(perm).reshape(x.dim(n), rest).contiguous();
    }

    static Tensor fold(Tensor m, int mode, Shape target) {
        if (target == null) throw new IllegalArgumentException("fold: target shape must not be null");
        int n = target.normalizeAxis(mode, "mode");
        long rest = target.size() / target.dim(n);
        if (m.rank() != 2 || m.dim(0) != target.dim(n) || m.dim(1) != rest) {
            throw new IllegalArgumentException("fold: matrix of shape " + m.shape() + " is not the mode-" + n
                    + " unfolding of " + target + " (expected (" + target.dim(n) + ", " + rest + "))");
        }
        int[] perm = modeFirst(target.rank(), n);
        int[] permDims = new int[target.rank()];
        for (int i = 0; i < perm.length; i++) permDims[i] = target.dim(perm[i]);
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
        return m.reshape(permDims).permute(inverse).contiguous();
    }

    private static int[] modeFirst(int rank, int n) {
        int[] perm = new int[rank];
        perm[0] = n;
        for (int i = 0, j = 1; i < rank; i++) if (i != n) perm[j++] = i;
        return perm;
    }
}
