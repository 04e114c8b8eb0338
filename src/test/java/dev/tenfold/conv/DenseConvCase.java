package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * A random dense-conv configuration for property tests: spec, input shape, the im2col block size
 * to force (-1 = default) and whether operands are passed as strided (non-contiguous) views.
 */
record DenseConvCase(ConvSpec spec, Shape input, int blockPositions, boolean stridedViews, long seed) {

    /** Largest input extent added on top of the minimum valid size, per N (keeps N = 3, 4 small). */
    private static final int[] EXTRA = {0, 12, 7, 4, 2};

    /**
     * Configurations with N in [1, maxN]: batch 1..3, channels 1..7, groups dividing both, kernel
     * 1..4 (1..3 for N ≥ 3), stride 1..3, padding 0..2 or 'same', dilation 1..2, bias on/off,
     * spatial sizes from the smallest valid one (often 1) upwards; one case in six is pointwise
     * (1×…×1 kernel, stride 1, no padding).
     */
    static Gen<DenseConvCase> cases(int maxN) {
        return rnd -> {
            int n = pick(rnd, 1, maxN);
            int batch = pick(rnd, 1, 3);
            int c = pick(rnd, 1, 7);
            int t = pick(rnd, 1, 7);
            int[] common = commonDivisors(c, t);
            int groups = common[pick(rnd, 0, common.length - 1)];
            boolean pointwise = pick(rnd, 0, 5) == 0; // 1×…×1, stride 1, no padding: the pure-GEMM path
            boolean same = !pointwise && pick(rnd, 0, 4) == 0;
            int[] kernel = new int[n];
            int[] stride = new int[n];
            int[] dilation = new int[n];
            int[] padding = new int[n];
            for (int j = 0; j < n; j++) {
                kernel[j] = pointwise ? 1 : pick(rnd, 1, n >= 3 ? 3 : 4);
                stride[j] = same || pointwise ? 1 : pick(rnd, 1, 3);
                dilation[j] = pick(rnd, 1, 2);
                padding[j] = pointwise ? 0 : pick(rnd, 0, 2);
            }
            ConvSpec.Builder b = ConvSpec.builder(c, t, kernel).stride(stride).dilation(dilation).groups(groups)
                    .bias(pick(rnd, 0, 1) == 1);
            if (same) b.paddingSame(); else b.padding(padding);
            ConvSpec spec = b.build();
            int[] pb = spec.padBefore();
            int[] pa = spec.padAfter();
            int[] dims = new int[2 + n];
            dims[0] = batch;
            dims[1] = c;
            for (int j = 0; j < n; j++) {
                int min = Math.max(1, dilation[j] * (kernel[j] - 1) + 1 - pb[j] - pa[j]);
                dims[2 + j] = min + pick(rnd, 0, EXTRA[n]);
            }
            Shape input = Shape.of(dims);
            long positions = spec.outputShape(input).size() / ((long) batch * t);
            // the sizes start at the smallest valid one: every output extent must be at least 1
            assertTrue(positions >= 1, () -> "no output position for " + spec + " on " + input);
            int block = pick(rnd, 0, 2) == 0 ? -1 : pick(rnd, 1, (int) positions + 2);
            return new DenseConvCase(spec, input, block, pick(rnd, 0, 2) == 0, rnd.next(Constraint.between(0, 1 << 30)));
        };
    }

    private static int pick(org.quicktheories.core.RandomnessSource rnd, int lo, int hi) {
        return (int) rnd.next(Constraint.between(lo, hi));
    }

    private static int[] commonDivisors(int a, int b) {
        return java.util.stream.IntStream.rangeClosed(1, Math.min(a, b)).filter(d -> a % d == 0 && b % d == 0).toArray();
    }

    Shape outputShape() {
        return spec.outputShape(input);
    }

    /** x, standard normal; a strided view when {@link #stridedViews}. */
    Tensor x(TensorScope scope) {
        return tensor(scope, seed, input);
    }

    /** w, normal with std 1/√(fan-in). */
    Tensor w(TensorScope scope) {
        Shape s = spec.weightShape();
        long fanIn = s.size() / s.dim(0);
        return tensor(scope, seed + 1, s).mulInPlace((float) (1 / Math.sqrt(fanIn)));
    }

    /** b (T) or null. */
    Tensor b(TensorScope scope) {
        return spec.hasBias() ? tensor(scope, seed + 2, Shape.of(spec.outChannels())) : null;
    }

    /** A random dL/dy of the output shape. */
    Tensor gradY(TensorScope scope) {
        return tensor(scope, seed + 3, outputShape());
    }

    /**
     * A standard-normal tensor of {@code shape}: contiguous, or (strided views) every second
     * element of the last axis of a twice-as-long tensor.
     */
    Tensor tensor(TensorScope scope, long s, Shape shape) {
        if (!stridedViews) return scope.normal(s, 0f, 1f, shape.dims());
        int[] wide = shape.dims();
        int last = wide.length - 1;
        wide[last] *= 2;
        Tensor base = scope.normal(s, 0f, 1f, wide);
        return base.slice(last, 1, wide[last], 2);
    }

    @Override
    public String toString() {
        return spec + " input " + input + " block " + blockPositions + (stridedViews ? " strided" : "") + " seed " + seed
                + " kernel " + Arrays.toString(spec.kernel());
    }
}
