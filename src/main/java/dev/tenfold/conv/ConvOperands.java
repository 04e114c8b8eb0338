package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Checks of the caller-provided tensors of the factorized convs' forward and backward
 * ({@link CpConv}, {@link TuckerConv}): outputs of the right shape that must not share memory
 * with an input the same call reads, the kept Z (B, R, D…) and dL/dx (x's shape). Each failure
 * names the argument and the shapes.
 */
final class ConvOperands {
    private ConvOperands() { }

    /** y must be a contiguous tensor of the output shape apart from x. */
    static void checkOutput(ConvSpec spec, Tensor x, Tensor y) {
        if (y == null) throw new IllegalArgumentException("y: the output tensor must not be null");
        Shape yShape = spec.outputShape(x.shape());
        if (!y.shape().equals(yShape) || !y.isContiguous()) {
            throw new IllegalArgumentException("y of shape " + y.shape() + (y.isContiguous() ? "" : " (not contiguous)")
                    + " must be a contiguous " + yShape + " for x of shape " + x.shape());
        }
        if (overlaps(y, x)) throw new IllegalArgumentException("y of shape " + y.shape() + " must not overlap x " + x.shape());
    }

    /** z must be a contiguous (B, R, D…) tensor apart from x (x already checked against the spec). */
    static void checkSavedZ(Tensor x, int rank, Tensor z) {
        int[] want = x.dims();
        want[1] = rank;
        Shape zShape = Shape.of(want);
        if (!z.shape().equals(zShape) || !z.isContiguous()) {
            throw new IllegalArgumentException("z of shape " + z.shape() + (z.isContiguous() ? "" : " (not contiguous)")
                    + " must be a contiguous " + zShape + " (x's shape " + x.shape() + " with rank " + rank + " channels)");
        }
        if (overlaps(z, x)) throw new IllegalArgumentException("z of shape " + z.shape() + " must not overlap x " + x.shape());
    }

    /** gradX must be a contiguous tensor of x's shape apart from x and gradY. */
    static void checkGradX(Tensor x, Tensor gradY, Tensor gradX) {
        if (!gradX.shape().equals(x.shape()) || !gradX.isContiguous()) {
            throw new IllegalArgumentException("gradX of shape " + gradX.shape() + (gradX.isContiguous() ? "" : " (not contiguous)")
                    + " must be a contiguous " + x.shape() + " (the shape of x)");
        }
        if (overlaps(gradX, x) || overlaps(gradX, gradY)) {
            throw new IllegalArgumentException("gradX of shape " + gradX.shape() + " must not overlap x " + x.shape()
                    + " or gradY " + gradY.shape());
        }
    }

    /** True when the contiguous {@code out} shares memory with any element {@code t} may read. */
    static boolean overlaps(Tensor out, Tensor t) {
        long lo = t.offset(), hi = t.offset();
        int[] d = t.dims();
        long[] st = t.strides();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == 0) return false;
            long span = (long) (d[i] - 1) * st[i];
            if (span < 0) lo += span;
            else hi += span;
        }
        MemorySegment a = out.segment().asSlice(out.offset() * Float.BYTES, out.size() * Float.BYTES);
        MemorySegment b = t.segment().asSlice(lo * Float.BYTES, (hi - lo + 1) * Float.BYTES);
        return a.asOverlappingSlice(b).isPresent();
    }
}
