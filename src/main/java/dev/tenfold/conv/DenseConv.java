package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.linalg.StreamedGemm;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Dense N-D convolution (N ≥ 1), forward and backward, as GEMMs. Layouts as PyTorch:
 * x (B, C, D_0..D_{N-1}), w {@link ConvSpec#weightShape()} = (T, C/groups, K_0..K_{N-1}),
 * b (T), y (B, T, O_0..O_{N-1}) with O from {@link ConvSpec#outputShape}. Groups, stride,
 * padding (before/after may differ, 'same'), dilation as in {@link ConvSpec}.
 *
 * <p>Forward: per channel group one GEMM, y_g (T/groups × B·∏O) = w_g (T/groups × C/groups·∏K)
 * · cols, without ever storing cols: the GEMM packs its column strips straight from a
 * zero-padded copy of the input ({@link ConvWindows}, {@link dev.tenfold.linalg.WindowGemm}), or,
 * for items too large for one padded heap array, from the input itself through a per-strip read
 * table ({@link ConvColumns}, {@link dev.tenfold.linalg.StreamedGemm}). A 1×…×1 kernel
 * with stride 1 and no padding is a plain GEMM on the input. Backward:
 * <ul>
 *   <li>backwardInput with stride 1 is itself a forward conv of gradY (flipped kernel, channels
 *       swapped, padding dilation·(K−1) − pad), so it runs the forward path; otherwise it is
 *       col2im(w_gᵀ · gradY_g), scatter-added block by block;</li>
 *   <li>backwardWeight: w_gᵀ = Σ over batch items and blocks of cols · gradY_gᵀ;</li>
 *   <li>backwardBias: sums of gradY (double accumulation).</li>
 * </ul>
 * Every result element is reduced in a fixed order (batch items and blocks ascending, GEMM
 * bitwise reproducible), so results do not depend on the thread count.
 *
 * <p>Inputs may be views with any strides (non-contiguous ones are first copied to a contiguous
 * buffer). Workspaces are heap arrays owned by the call; only the results are allocated in a
 * scope. The twin oracle is {@link DenseConvNaive}.
 */
public final class DenseConv {
    private DenseConv() { }

    /**
     * y = conv(x, w) + b, a new tensor of {@code spec.outputShape(x.shape())} in x's scope.
     *
     * @param b bias (T), or null when the spec has no bias
     * @throws IllegalArgumentException when x, w or b do not match the spec (rank, channels,
     *                                  weight/bias shape) or an output size would be ≤ 0
     */
    public static Tensor forward(ConvSpec spec, Tensor x, Tensor w, Tensor b) {
        ConvGeometry g = checkForward(spec, x, w, b);
        Tensor y = x.scope().zeros(g.outputShape);
        forwardInto(g, x, w, b, y.segment(), y.offset());
        return y;
    }

    /**
     * Same as {@link #forward(ConvSpec, Tensor, Tensor, Tensor)} into a preallocated y of shape
     * {@code spec.outputShape(x.shape())} (any strides; must not overlap x, w or b).
     */
    public static void forward(ConvSpec spec, Tensor x, Tensor w, Tensor b, Tensor y) {
        ConvGeometry g = checkForward(spec, x, w, b);
        g.checkOutputShaped("output y", y);
        if (y.isContiguous()) {
            forwardInto(g, x, w, b, y.segment(), y.offset());
        } else {
            // Kernels write native memory only (see Im2colOps): compute into a native temporary.
            try (TensorScope tmp = TensorScope.open()) {
                Tensor t = tmp.zeros(g.outputShape);
                forwardInto(g, x, w, b, t.segment(), t.offset());
                y.copyFrom(t);
            }
        }
    }

    /**
     * dL/dx for dL/dy = gradY (B, T, O..): a new tensor of {@code inputShape} in gradY's scope.
     *
     * @throws IllegalArgumentException when gradY is not {@code spec.outputShape(inputShape)} or
     *                                  w is not {@code spec.weightShape()}
     */
    public static Tensor backwardInput(ConvSpec spec, Tensor gradY, Tensor w, Shape inputShape) {
        return backwardInput(spec, gradY, w, inputShape, -1);
    }

    static Tensor backwardInput(ConvSpec spec, Tensor gradY, Tensor w, Shape inputShape, int blockPositions) {
        ConvGeometry g = ConvGeometry.of(spec, inputShape);
        g.checkOutputShaped("gradY", gradY);
        g.checkWeight(w);
        Tensor dx = gradY.scope().zeros(inputShape);
        Operand wv = Operand.of(w);
        MemorySegment dxs = dx.segment();
        long dxo = dx.offset();
        float[] wt = DenseConvBuffers.take(g.weightSize());
        float[] ext = null;
        try {
            if (g.inputGradientIsForwardConv()) {
                // Stride 1: dx is the forward conv of gradY with the flipped, channel-swapped kernel.
                ConvGeometry t = g.inputGradientAsForward();
                flipTransposeWeight(g, wv, wt);
                Operand flipped = new Operand(MemorySegment.ofArray(wt), 0);
                if (gradY.isContiguous()) {
                    forwardInto(t, new Operand(gradY.segment(), gradY.offset()), flipped, null, dxs, dxo);
                } else {
                    try (TensorScope tmp = TensorScope.open()) {
                        Tensor gc = gradY.copyTo(tmp);
                        forwardInto(t, new Operand(gc.segment(), gc.offset()), flipped, null, dxs, dxo);
                    }
                }
                return dx;
            }
            Operand gy = Operand.of(gradY);
            // Strided: dx = col2im(w_gᵀ · gradY_g), scatter-added block by block.
            transposeWeight(g, wv, wt); // (groups, C/groups·∏K, T/groups)
            MemorySegment wts = MemorySegment.ofArray(wt);
            long wtGroup = (long) g.ck * g.tg;
            int positions = (int) g.outSpatial;
            int inSpatial = (int) g.inSpatial;
            try (Im2col im = new Im2col(g, blockPositions > 0 ? blockPositions : Im2col.defaultBlockPositions(g))) {
                ext = im.widened() ? DenseConvBuffers.take((long) g.tg * im.maxColumns()) : null;
                for (int b = 0; b < g.batch; b++) {
                    for (int grp = 0; grp < g.groups; grp++) {
                        long gyGroup = gy.off + yChannel(g, b, grp) * positions;
                        for (int blk = 0; blk < im.blockCount(); blk++) {
                            im.setBlock(blk);
                            Operand gyBlock = blockOfOutput(im, gy.seg, gyGroup, g.tg, ext);
                            int nc = im.columns();
                            Gemm.sgemm(g.ck, nc, g.tg, 1f, wts, grp * wtGroup, g.tg, 1,
                                    gyBlock.seg, gyBlock.off, rowStride(im, positions), 1,
                                    0f, im.colsSegment(), 0, nc, 1);
                            im.scatterAdd(dxs, dxo + xChannel(g, b, grp) * inSpatial);
                        }
                    }
                }
            }
            return dx;
        } finally {
            DenseConvBuffers.give(wt, ext);
        }
    }

    /**
     * dL/dw for input x and dL/dy = gradY: a new tensor of {@code spec.weightShape()} in
     * gradY's scope, summed over the batch in ascending order.
     *
     * @throws IllegalArgumentException when x does not match the spec or gradY is not
     *                                  {@code spec.outputShape(x.shape())}
     */
    public static Tensor backwardWeight(ConvSpec spec, Tensor x, Tensor gradY) {
        return backwardWeight(spec, x, gradY, -1);
    }

    static Tensor backwardWeight(ConvSpec spec, Tensor x, Tensor gradY, int blockPositions) {
        ConvGeometry g = ConvGeometry.forInput(spec, x);
        g.checkOutputShaped("gradY", gradY);
        Operand xs = Operand.of(x);
        Operand gy = Operand.of(gradY);
        int positions = (int) g.outSpatial;
        int inSpatial = (int) g.inSpatial;
        // dwᵀ (C/groups·∏K × T/groups) per group = Σ_b Σ_blocks cols · gradY_blockᵀ: the large
        // operand (cols) is A with unit column stride, the small one is read transposed.
        float[] dwt = DenseConvBuffers.take(g.weightSize());
        float[] ext = null;
        try {
            MemorySegment dwts = MemorySegment.ofArray(dwt);
            long dwtGroup = (long) g.ck * g.tg;
            if (g.isPointwise()) {
                for (int grp = 0; grp < g.groups; grp++) {
                    for (int b = 0; b < g.batch; b++) {
                        Gemm.sgemm(g.cg, g.tg, positions, 1f,
                                xs.seg, xs.off + xChannel(g, b, grp) * inSpatial, inSpatial, 1,
                                gy.seg, gy.off + yChannel(g, b, grp) * positions, 1, positions,
                                b == 0 ? 0f : 1f, dwts, grp * dwtGroup, g.tg, 1);
                    }
                }
            } else {
                try (Im2col im = new Im2col(g, blockPositions > 0 ? blockPositions : Im2col.defaultBlockPositions(g))) {
                    ext = im.widened() ? DenseConvBuffers.take((long) g.tg * im.maxColumns()) : null;
                    for (int grp = 0; grp < g.groups; grp++) {
                        for (int b = 0; b < g.batch; b++) {
                            long gyGroup = gy.off + yChannel(g, b, grp) * positions;
                            for (int blk = 0; blk < im.blockCount(); blk++) {
                                im.setBlock(blk);
                                im.gather(xs.seg, xs.off + xChannel(g, b, grp) * inSpatial);
                                Operand gyBlock = blockOfOutput(im, gy.seg, gyGroup, g.tg, ext);
                                int nc = im.columns();
                                Gemm.sgemm(g.ck, g.tg, nc, 1f,
                                        im.colsSegment(), 0, nc, 1,
                                        gyBlock.seg, gyBlock.off, 1, rowStride(im, positions),
                                        b == 0 && blk == 0 ? 0f : 1f, dwts, grp * dwtGroup, g.tg, 1);
                            }
                        }
                    }
                }
            }
            Tensor dw = gradY.scope().zeros(spec.weightShape());
            MemorySegment dws = dw.segment();
            for (int grp = 0; grp < g.groups; grp++) {
                // dw_g (T/groups × C/groups·∏K) = transpose of dwᵀ_g
                int base = (int) (grp * dwtGroup);
                for (int i = 0; i < g.ck; i++) {
                    for (int t = 0; t < g.tg; t++) {
                        dws.setAtIndex(ValueLayout.JAVA_FLOAT, dw.offset() + base + (long) t * g.ck + i, dwt[base + i * g.tg + t]);
                    }
                }
            }
            return dw;
        } finally {
            DenseConvBuffers.give(dwt, ext);
        }
    }

    /**
     * dL/db (T) = gradY (B, T, O..) summed over the batch and all spatial positions (double
     * accumulation), a new tensor in gradY's scope.
     *
     * @throws IllegalArgumentException when gradY is not (B, T, N spatial dims) for the spec
     */
    public static Tensor backwardBias(ConvSpec spec, Tensor gradY) {
        ConvGeometry.checkGradYForBias(spec, gradY);
        int[] axes = new int[gradY.rank() - 1];
        axes[0] = 0;
        for (int i = 1; i < axes.length; i++) axes[i] = i + 1;
        return gradY.sumAxes(axes);
    }

    // ------------------------------------------------------------------ internals

    private static ConvGeometry checkForward(ConvSpec spec, Tensor x, Tensor w, Tensor b) {
        ConvGeometry g = ConvGeometry.forInput(spec, x);
        g.checkWeight(w);
        g.checkBias(b);
        return g;
    }

    /** y (contiguous at ys+yo) = conv(x, w) + b; a strided x is first copied to native memory. */
    private static void forwardInto(ConvGeometry g, Tensor x, Tensor w, Tensor bias, MemorySegment ys, long yo) {
        float[] b = bias == null ? null : ConvGeometry.readAll(bias);
        if (x.isContiguous()) {
            forwardInto(g, new Operand(x.segment(), x.offset()), Operand.of(w), b, ys, yo);
            return;
        }
        try (TensorScope tmp = TensorScope.open()) {
            Tensor xc = x.copyTo(tmp);
            forwardInto(g, new Operand(xc.segment(), xc.offset()), Operand.of(w), b, ys, yo);
        }
    }

    /**
     * y (contiguous at ys+yo) = conv(x, w) + bias for contiguous native x and contiguous w
     * (T, C/groups·∏K): a plain GEMM on the input for 1×…×1 kernels, else windowed GEMMs on a
     * zero-padded copy ({@link ConvWindows}); for inputs whose padded item is too large for one
     * heap array, per group one implicit GEMM whose B operand is the im2col matrix streamed
     * from the input by {@link ConvColumns}. None of them builds a column buffer.
     */
    private static void forwardInto(ConvGeometry g, Operand xs, Operand wt, float[] bias,
                                    MemorySegment ys, long yo) {
        int positions = (int) g.outSpatial;
        int inSpatial = (int) g.inSpatial;
        if (g.isPointwise()) {
            if (bias != null) fillBias(g, bias, ys, yo);
            float beta = bias != null ? 1f : 0f;
            for (int b = 0; b < g.batch; b++) {
                for (int grp = 0; grp < g.groups; grp++) {
                    Gemm.sgemm(g.tg, positions, g.cg, 1f,
                            wt.seg, wt.off + (long) grp * g.tg * g.cg, g.cg, 1,
                            xs.seg, xs.off + xChannel(g, b, grp) * inSpatial, inSpatial, 1,
                            beta, ys, yo + yChannel(g, b, grp) * positions, positions, 1);
                }
            }
            return;
        }
        if (ConvWindows.applies(g)) { // always, unless one padded item exceeds an int-indexed array
            ConvWindows.forward(g, xs.seg, xs.off, wt.seg, wt.off, bias, ys, yo);
            return;
        }
        forwardStreamed(g, xs, wt, bias, ys, yo);
    }

    /** The fallback forward of {@link #forwardInto}: columns streamed from the input by {@link ConvColumns}. */
    private static void forwardStreamed(ConvGeometry g, Operand xs, Operand wt, float[] bias, MemorySegment ys, long yo) {
        long columns = (long) g.batch * g.outSpatial;
        for (int grp = 0; grp < g.groups; grp++) {
            int group = grp;
            StreamedGemm.multiply(g.tg, columns, g.ck, wt.seg, wt.off + (long) grp * g.tg * g.ck, g.ck, 1,
                    id -> new ConvColumns(g, xs.seg, xs.off, group, ys, yo, bias));
        }
    }

    /**
     * Test hook: the forward conv through the fallback path ({@link ConvColumns}) that only
     * inputs too large for {@link ConvWindows} take, so that the property tests cover it on small
     * shapes. Contiguous x and w, no pointwise shortcut.
     */
    static Tensor forwardThroughStreamedColumns(ConvSpec spec, Tensor x, Tensor w, Tensor b) {
        ConvGeometry g = checkForward(spec, x, w, b);
        Tensor y = x.scope().zeros(g.outputShape);
        try (TensorScope tmp = TensorScope.open()) {
            Tensor xc = x.isContiguous() ? x : x.copyTo(tmp);
            forwardStreamed(g, new Operand(xc.segment(), xc.offset()), Operand.of(w),
                    b == null ? null : ConvGeometry.readAll(b), y.segment(), y.offset());
        }
        return y;
    }

    /** y[b, t, :] = bias[t] for every batch item b. */
    private static void fillBias(ConvGeometry g, float[] bias, MemorySegment ys, long yo) {
        FloatKernels kern = Kernels.get();
        int positions = (int) g.outSpatial;
        for (int b = 0; b < g.batch; b++) {
            for (int t = 0; t < g.outChannels; t++) {
                kern.fill(ys, yo + ((long) b * g.outChannels + t) * positions, positions, bias[t]);
            }
        }
    }

    /**
     * The current block of an output-shaped operand (dL/dy) as a GEMM operand with
     * {@link #rowStride} rows: the tensor itself, or its copy into the widened rows of {@code ext}.
     */
    private static Operand blockOfOutput(Im2col im, MemorySegment seg, long groupOffset, int channels, float[] ext) {
        if (ext == null) return new Operand(seg, groupOffset + im.blockStart());
        im.expand(seg, groupOffset, channels, ext);
        return new Operand(MemorySegment.ofArray(ext), 0);
    }

    /** Row stride of {@link #blockOfOutput}: ∏O for the tensor itself, the block's columns when widened. */
    private static long rowStride(Im2col im, int positions) {
        return im.widened() ? im.columns() : positions;
    }

    /**
     * dst = the weight as (groups, C/groups·∏K, T/groups): per group the transpose of w_g
     * (T/groups × C/groups·∏K), so that GEMM reads w_gᵀ with unit column stride.
     */
    private static void transposeWeight(ConvGeometry g, Operand w, float[] dst) {
        int rows = g.tg;
        int cols = g.ck;
        int tile = 16;
        float[] band = DenseConvBuffers.take((long) tile * cols);
        try {
            for (int grp = 0; grp < g.groups; grp++) {
                int base = grp * rows * cols;
                for (int r0 = 0; r0 < rows; r0 += tile) {
                    int nr = Math.min(tile, rows - r0);
                    // a band of nr weight rows, then write it column by column (nr contiguous floats each)
                    MemorySegment.copy(w.seg, ValueLayout.JAVA_FLOAT, (w.off + base + (long) r0 * cols) << 2, band, 0, nr * cols);
                    for (int c = 0; c < cols; c++) {
                        int to = base + c * rows + r0;
                        for (int r = 0; r < nr; r++) dst[to + r] = band[r * cols + c];
                    }
                }
            }
        } finally {
            DenseConvBuffers.give(band);
        }
    }

    /**
     * dst = the kernel of {@link ConvGeometry#inputGradientAsForward()}: (C, T/groups, K..) with
     * w'[grp·C/groups + c, t, k] = w[grp·T/groups + t, c, K−1−k]. Flipping every spatial dim of a
     * row-major kernel reverses its flat index.
     */
    private static void flipTransposeWeight(ConvGeometry g, Operand w, float[] dst) {
        int ks = g.kernelSize;
        for (int grp = 0; grp < g.groups; grp++) {
            for (int t = 0; t < g.tg; t++) {
                for (int c = 0; c < g.cg; c++) {
                    long src = w.off + (long) ((grp * g.tg + t) * g.cg + c) * ks;
                    int to = ((grp * g.cg + c) * g.tg + t) * ks;
                    for (int k = 0; k < ks; k++) dst[to + k] = w.seg.getAtIndex(ValueLayout.JAVA_FLOAT, src + ks - 1 - k);
                }
            }
        }
    }

    /** First input channel (as a flat channel index b·C + grp·C/groups) of group grp of item b. */
    private static long xChannel(ConvGeometry g, int b, int grp) {
        return (long) b * g.inChannels + (long) grp * g.cg;
    }

    /** First output channel (flat b·T + grp·T/groups) of group grp of item b. */
    private static long yChannel(ConvGeometry g, int b, int grp) {
        return (long) b * g.outChannels + (long) grp * g.tg;
    }

    /** A tensor as a contiguous row-major block: its own memory, or a heap copy of a strided view. */
    private record Operand(MemorySegment seg, long off) {
        static Operand of(Tensor t) {
            if (t.isContiguous()) return new Operand(t.segment(), t.offset());
            return new Operand(MemorySegment.ofArray(ConvGeometry.readAll(t)), 0);
        }
    }
}
