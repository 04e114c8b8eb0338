package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * CP (canonical polyadic) convolution: a convolution whose kernel is the rank-R CP tensor of
 * {@link CpConvWeights}, evaluated in one of three {@link ConvForm}s that compute the same
 * function. Layouts as {@link ConvSpec}: x (B, C, D_0..D_{N-1}), y (B, T, O_0..O_{N-1}).
 *
 * <p>Factorized forward: Z_b = U_Cᵀ·X_b (1×1 C→R); per (b, r) slab the N 1-D depthwise passes
 * with U_K[n][:, r]; Y_b = (U_T·diag λ)·H_b + bias (1×1 R→T). It runs fused ({@link CpConvFused}):
 * one job per (item, band of output rows along mode 0) does all stages over a sliding window of
 * mode-0 rows that stays in the worker's cache, with no barrier between stages. The MobileNet
 * form (and the stage-by-stage twin of the factorized one, kept for tests) runs per batch chunk:
 * the 1×1 stages as column-block jobs ({@link PointwiseConv.Blocks}: each block of the off-heap
 * activation staged into a cache-resident heap buffer, then small register-tiled kernels), the
 * depthwise stage per (b, r) slab, each stage parallel and followed by a barrier. Costs
 * 2·B·(R·C·∏D + R·Σ_n K_n·(partial sizes) + T·R·∏O) flops instead of 2·B·T·C·∏K·∏O.
 *
 * <p>Backward: stage by stage per batch chunk, like the MobileNet forward; for items whose staged
 * intermediates would exceed {@link #FUSED_BACKWARD_MIN_BYTES} (and stride 1 along mode 0) fused
 * ({@link CpConvFusedBackward}: a few mode-0 rows at a time per worker, so large volumes fit small
 * heaps). Results do not depend on the thread count ({@link DepthwiseParallel#setThreads}). A
 * non-contiguous x (or gradY) is first copied into its own scope.
 */
public final class CpConv {
    private CpConv() { }

    /**
     * y = conv(x, W) + bias with the CP kernel W of {@code w}; a new tensor (B, T, O…) in x's scope.
     *
     * @throws IllegalArgumentException when x does not fit the spec (rank, channels, too small),
     *                                  or the weights do not fit it (shapes, groups ≠ 1, bias)
     */
    public static Tensor forward(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form) {
        Tensor y = x.scope().zeros(spec.outputShape(x.shape()));
        forward(spec, w, x, form, y);
        return y;
    }

    /**
     * The same into a preallocated contiguous {@code y} of shape {@code spec.outputShape(x.shape())}
     * (saves allocating and zeroing the output on every call).
     *
     * @throws IllegalArgumentException as {@link #forward(ConvSpec, CpConvWeights, Tensor, ConvForm)},
     *                                  or when y has the wrong shape, is not contiguous or overlaps x
     */
    public static void forward(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form, Tensor y) {
        forward(spec, w, x, form, y, null);
    }

    /** The forward; Z also kept in {@code z} when not null (checked here, after the weights and y). */
    private static void forward(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form, Tensor y, Tensor z) {
        w.validate(spec);
        ConvOperands.checkOutput(spec, x, y);
        if (z != null) {
            ConvOperands.checkSavedZ(x, w.rank(), z);
            if (ConvOperands.overlaps(z, y)) throw new IllegalArgumentException("z of shape " + z.shape() + " must not overlap y " + y.shape());
        }
        if (form == ConvForm.RECONSTRUCTED) {
            try (TensorScope tmp = TensorScope.open()) {
                DenseConv.forward(spec, x, w.reconstruct(tmp), w.bias(), y);
                return;
            }
        }
        factorized(spec, w, x, form, y, PointwiseConv.MAX_BLOCK, form == ConvForm.FACTORIZED, z);
    }

    /**
     * The factorized forward into y that also keeps Z = U_Cᵀ·x, the output of the first 1×1 conv,
     * in {@code z} ((B, R, D_0 … D_{N−1}), contiguous, every element overwritten): a training
     * step passes it to {@link #backward(ConvSpec, CpConvWeights, Tensor, Tensor, Tensor, Tensor, TensorScope)},
     * which then reads Z instead of recomputing it from x (z costs 4·B·R·∏D bytes).
     *
     * @throws IllegalArgumentException as {@link #forward(ConvSpec, CpConvWeights, Tensor, ConvForm, Tensor)},
     *                                  or when z is null, not a contiguous (B, R, D…) tensor, or
     *                                  overlaps x or y
     */
    public static void forward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor y, Tensor z) {
        if (z == null) throw new IllegalArgumentException("z: the tensor for Z = U_Cᵀ·x must not be null");
        forward(spec, w, x, ConvForm.FACTORIZED, y, z);
    }

    /** The factorized or MobileNet forward with 1×1 column blocks of at most {@code maxBlock} columns. */
    static void factorized(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form, Tensor y, int maxBlock) {
        factorized(spec, w, x, form, y, maxBlock, form == ConvForm.FACTORIZED, null);
    }

    /**
     * The same; the factorized form through {@link CpConvFused} when {@code fused}, else (and
     * for the MobileNet form) stage by stage: per batch chunk the 1×1 C→R over column blocks,
     * the depthwise chain per (b, r) slab, the 1×1 R→T over column blocks.
     */
    static void factorized(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form, Tensor y, int maxBlock,
                           boolean fused) {
        factorized(spec, w, x, form, y, maxBlock, fused, null);
    }

    /** The same, keeping Z in {@code z} when not null (the fused factorized forward only). */
    static void factorized(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form, Tensor y, int maxBlock,
                           boolean fused, Tensor z) {
        if (z != null && !(fused && form == ConvForm.FACTORIZED)) throw new IllegalStateException("CpConv: Z is kept by the fused forward only");
        if (!x.isContiguous()) { // a strided x is copied into a scope of this call, not left in the caller's
            try (TensorScope tmp = TensorScope.open()) {
                factorized(spec, w, x.copyTo(tmp), form, y, maxBlock, fused, z);
            }
            return;
        }
        Tensor xc = x;
        float[] taps = w.spatialColumns();
        float[] ucT = transposed(w.uC());
        float[] m = scaledUt(w);
        float[] bias = w.bias() == null ? null : w.bias().toArray();
        if (fused && form == ConvForm.FACTORIZED) {
            int[] inDims = new int[spec.spatialDims()];
            for (int i = 0; i < inDims.length; i++) inDims[i] = x.dim(2 + i);
            new CpConvFused(spec, inDims, x.dim(0), w.rank(), maxBlock).forward(xc, ucT, m, taps, bias, y, z);
            return;
        }
        Geometry g = new Geometry(spec, x.shape(), w.rank(), maxBlock);
        int r = g.rank;
        int c = g.channels;
        int t = spec.outChannels();
        int chunk = g.chunk;
        float[] za = ThreadScratch.floats(ThreadScratch.Z, (long) chunk * r * g.inSlab);
        float[] ha = ThreadScratch.floats(ThreadScratch.H, (long) chunk * r * g.outSlab);
        SlabStage stage = form == ConvForm.MOBILENET ? mobileNetStage(spec, g, taps, za, ha) : chainStage(spec, g, taps, za, ha);
        int ni = g.in.count();
        int no = g.out.count();
        for (int b0 = 0; b0 < g.batch; b0 += chunk) {
            int nb = Math.min(chunk, g.batch - b0);
            long xOff = xc.offset() + (long) b0 * c * g.inSize;
            long yOff = y.offset() + (long) b0 * t * g.outSize;
            DepthwiseParallel.forEach(nb * ni, () -> j -> PointwiseConv.mixIn(ucT, r, c, xc.segment(),
                    xOff + (long) (j / ni) * c * g.inSize, g.in, j % ni, za, (j / ni) * r * g.inSlab));
            DepthwiseParallel.forEach(nb * r, stage);
            DepthwiseParallel.forEach(nb * no, () -> j -> PointwiseConv.mixOut(m, t, r, ha, (j / no) * r * g.outSlab,
                    bias, y.segment(), yOff + (long) (j / no) * t * g.outSize, g.out, j % no));
        }
    }

    /** Depthwise stage of one batch chunk: slab i (rank i mod R) from the z buffer into the h buffer. */
    private interface SlabStage extends IntFunction<IntConsumer> { }

    private static SlabStage chainStage(ConvSpec spec, Geometry g, float[] taps, float[] z, float[] h) {
        DepthwiseChain chain = new DepthwiseChain(spec, g.inDims);
        int wc = chain.weightCount();
        DepthwiseChain.Work[] works = new DepthwiseChain.Work[DepthwiseParallel.threads()];
        return id -> {
            DepthwiseChain.Work work = work(works, id, chain);
            return i -> chain.forward(DepthwiseConv1d.get(), z, i * g.inSlab, taps, (i % g.rank) * wc, h, i * g.outSlab, work);
        };
    }

    private static SlabStage mobileNetStage(ConvSpec spec, Geometry g, float[] taps, float[] z, float[] h) {
        DepthwiseNd nd = new DepthwiseNd(spec, g.inDims);
        int wc = sum(spec.kernel());
        return id -> {
            DepthwiseScratch sc = new DepthwiseScratch();
            return i -> nd.forward(DepthwiseConv1d.get(), z, i * g.inSlab, taps, (i % g.rank) * wc, h, i * g.outSlab, sc);
        };
    }

    /** Worker {@code id}'s buffers, created on first use and kept for the whole call. */
    private static DepthwiseChain.Work work(DepthwiseChain.Work[] works, int id, DepthwiseChain chain) {
        if (id >= works.length) return chain.newWork();
        if (works[id] == null) works[id] = chain.newWork();
        return works[id];
    }

    /**
     * Gradients of L w.r.t. x and every factor given dL/dy, through the factorized path (the
     * reverse of each stage: column-block 1×1 kernels, transposed 1-D depthwise convs and tap
     * correlations per mode). All results are new tensors in gradY's scope.
     *
     * @throws IllegalArgumentException when shapes do not fit the spec or gradY is not (B, T, O…)
     */
    public static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY) {
        return backward(spec, w, x, gradY, gradY.scope());
    }

    /**
     * The same with every result a new tensor in {@code into} (e.g. a per-step scope of a
     * training loop that frees the gradients once applied, while x and gradY live on).
     *
     * @throws IllegalArgumentException as {@link #backward(ConvSpec, CpConvWeights, Tensor, Tensor)},
     *                                  or when {@code into} is null
     * @throws IllegalStateException    when {@code into} is closed
     */
    public static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, TensorScope into) {
        return backward(spec, w, x, gradY, PointwiseConv.MAX_BLOCK, into, null, null, BackwardPath.AUTO, CpConvFusedBackward.STEP_COLUMNS);
    }

    /**
     * The same with dL/dx written into the preallocated {@code gradX} (contiguous, x's shape; every
     * element is overwritten, so it need not be cleared, and it is the {@code x} of the result)
     * and the other gradients new tensors in {@code into}. A training loop that keeps one gradX
     * buffer saves allocating and zeroing a tensor the size of x on every step.
     *
     * @throws IllegalArgumentException as {@link #backward(ConvSpec, CpConvWeights, Tensor, Tensor, TensorScope)},
     *                                  or when gradX is null, not a contiguous tensor of x's shape,
     *                                  or overlaps x or gradY
     * @throws IllegalStateException    when {@code into} or gradX's scope is closed
     */
    public static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, Tensor gradX,
                                           TensorScope into) {
        if (gradX == null) throw new IllegalArgumentException("gradX: the tensor for dL/dx must not be null");
        return backward(spec, w, x, gradY, PointwiseConv.MAX_BLOCK, into, gradX, null, BackwardPath.AUTO,
                CpConvFusedBackward.STEP_COLUMNS);
    }

    /**
     * The backward after {@link #forward(ConvSpec, CpConvWeights, Tensor, Tensor, Tensor)}: Z is read
     * from {@code z} (kept by that forward for the same x and weights) instead of recomputed from
     * x; dL/dx goes into {@code gradX} when not null (as
     * {@link #backward(ConvSpec, CpConvWeights, Tensor, Tensor, Tensor, TensorScope)}), else into a
     * new tensor in {@code into}; the other gradients are new tensors in {@code into}. The results
     * are bitwise those of the backward that recomputes Z. Volumes big enough for the fused
     * backward ({@link #FUSED_BACKWARD_MIN_BYTES} of staged scratch per item) recompute Z in its
     * windows anyway.
     *
     * @throws IllegalArgumentException as the other backward overloads, or when z is null, not a
     *                                  contiguous (B, R, D…) tensor, or overlaps x
     * @throws IllegalStateException    when {@code into} is closed
     */
    public static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, Tensor z, Tensor gradX,
                                           TensorScope into) {
        if (z == null) throw new IllegalArgumentException("z: the tensor for Z = U_Cᵀ·x must not be null");
        return backward(spec, w, x, gradY, PointwiseConv.MAX_BLOCK, into, gradX, z, BackwardPath.AUTO,
                CpConvFusedBackward.STEP_COLUMNS);
    }

    /** Which backward runs: chosen by {@link #fusedBackward}, or one of the two forced (tests). */
    enum BackwardPath { AUTO, FUSED, STAGED }

    /**
     * Heap scratch of the stage-by-stage backward per batch item (z, h, gZ, gH: 4 bytes × R ×
     * 2·(∏D + ∏O)) above which the fused backward runs instead. Below it the staged one is kept:
     * on the benchmark shape (CP conv3d 32³, R = 16: 8 MiB per item) it measured 5–10% faster on a
     * Zen 3 (min 26.2 vs 29.9 ms, mean 31.2 vs 34.0 over eight interleaved runs).
     */
    static final long FUSED_BACKWARD_MIN_BYTES = 64L << 20;

    /**
     * True when {@link BackwardPath#AUTO} takes the fused backward for x of shape {@code x}: the
     * spec has stride 1 along mode 0 and the staged scratch per item exceeds
     * {@link #FUSED_BACKWARD_MIN_BYTES} (a rule of the geometry only, so the thread count never
     * changes the path, and with it the rounding).
     */
    static boolean fusedBackward(ConvSpec spec, Shape x, int rank) {
        if (!CpConvFusedBackward.applies(spec)) return false;
        long in = 1;
        int[] inDims = new int[spec.spatialDims()];
        for (int i = 0; i < inDims.length; i++) {
            inDims[i] = x.dim(2 + i);
            in *= inDims[i];
        }
        long out = 1;
        for (int o : spec.outputSpatial(inDims)) out *= o;
        return 4L * rank * 2 * (in + out) > FUSED_BACKWARD_MIN_BYTES;
    }

    /** The factorized backward with 1×1 column blocks of at most {@code maxBlock} columns, path by {@link #fusedBackward}. */
    static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, int maxBlock) {
        return backward(spec, w, x, gradY, maxBlock, gradY.scope(), null, null, BackwardPath.AUTO, CpConvFusedBackward.STEP_COLUMNS);
    }

    /**
     * The same on the given path; the fused one (where it applies, else the staged one) with steps
     * of about {@code stepColumns} output columns.
     */
    static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, int maxBlock, BackwardPath path,
                                    int stepColumns) {
        return backward(spec, w, x, gradY, maxBlock, gradY.scope(), null, null, path, stepColumns);
    }

    /**
     * The same with dL/dx written into {@code gradX} (contiguous, x's shape) and Z read from
     * {@code z} when not null (tests of those forms).
     */
    static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, Tensor gradX, Tensor z,
                                    BackwardPath path, int stepColumns) {
        return backward(spec, w, x, gradY, PointwiseConv.MAX_BLOCK, gradY.scope(), gradX, z, path, stepColumns);
    }

    /**
     * The backward; dL/dx into {@code gxInto} when not null, else a new zero tensor in {@code out};
     * Z read from {@code z} on the staged path when not null (both checked here, after the weights
     * and gradY).
     */
    private static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY, int maxBlock,
                                            TensorScope out, Tensor gxInto, Tensor z, BackwardPath path, int stepColumns) {
        if (out == null) throw new IllegalArgumentException("into: the scope for the gradients must not be null");
        if (gradY == null) throw new IllegalArgumentException("gradY must not be null");
        w.validate(spec);
        Shape yShape = spec.outputShape(x.shape());
        if (!gradY.shape().equals(yShape)) {
            throw new IllegalArgumentException("gradY of shape " + gradY.shape() + " must be the output shape "
                    + yShape + " for x of shape " + x.shape());
        }
        if (gxInto != null) ConvOperands.checkGradX(x, gradY, gxInto);
        if (z != null) ConvOperands.checkSavedZ(x, w.rank(), z);
        int r = w.rank();
        int t = spec.outChannels();
        int c = spec.inChannels();
        // strided inputs are copied into a scope of this call, not left in the caller's
        try (TensorScope tmp = x.isContiguous() && gradY.isContiguous() ? null : TensorScope.open()) {
            Tensor xc = x.contiguousIn(tmp);
            Tensor gy = gradY.contiguousIn(tmp);
            float[] m = scaledUt(w);
            float[] uc = w.uC().toArray();
            Factors f = new Factors(transpose(m, t, r), uc, transpose(uc, c, r), w.spatialColumns());
            Sums sums = new Sums(t, c, r);
            if (!out.isOpen()) throw new IllegalStateException("into: the scope for the gradients is closed");
            Tensor gx = gxInto != null ? gxInto : out.zeros(x.shape());
            double[] gw;
            int slabs;
            boolean fused = path == BackwardPath.AUTO ? fusedBackward(spec, x.shape(), r)
                    : path == BackwardPath.FUSED && CpConvFusedBackward.applies(spec);
            if (fused) {
                int[] inDims = new int[spec.spatialDims()];
                for (int i = 0; i < inDims.length; i++) inDims[i] = x.dim(2 + i);
                CpConvFusedBackward fb = new CpConvFusedBackward(spec, inDims, x.dim(0), r, maxBlock, stepColumns);
                gw = fb.run(xc, gy, f.uc, f.ucT, f.mT, f.taps, w.bias() != null, gx, sums.dm, sums.duc, sums.db);
                slabs = fb.jobs();
            } else {
                Geometry g = new Geometry(spec, x.shape(), r, maxBlock);
                gw = staged(spec, w.bias() != null, f, g, xc, gy, gx, sums, z);
                slabs = g.batch;
            }
            return gradients(spec, w, out, sums, gw, slabs, gx);
        }
    }

    /** The weights as both backward paths read them: mT = (U_T·diag λ)ᵀ (R × T), U_C (C × R), U_Cᵀ, the taps. */
    private record Factors(float[] mT, float[] uc, float[] ucT, float[] taps) { }

    /** The sums of a backward over all positions, in double: dM = gY·Hᵀ (T × R), dU_C (C × R), the bias gradient (T). */
    private record Sums(double[] dm, double[] duc, double[] db) {
        Sums(int t, int c, int r) {
            this(new double[t * r], new double[c * r], new double[t]);
        }
    }

    /**
     * The stage-by-stage backward. Per batch chunk: (1) Z = U_Cᵀ·X and gH = (U_T·diag λ)ᵀ·gY by
     * column blocks; (2) per (b, r) slab the depthwise chain forward (H) and backward (gZ, per-slab
     * tap gradients) — with a Z kept by the forward, step 1 only computes gH and each job of step 2
     * copies its slab of Z into a per-thread buffer right before the chain reads it (in cache, and
     * no chunk-sized Z scratch: −2–3% of a 3-D fwd+bwd in one JVM); (3) by column blocks the partial sums of dM = gY·Hᵀ, of the bias gradient and
     * of dU_C = X·gZᵀ, and dX = U_C·gZ written into gx. The partial sums are added in (b, block)
     * order in double, whatever the thread count. Returns the tap gradients per (b, r) slab.
     */
    private static double[] staged(ConvSpec spec, boolean hasBias, Factors f, Geometry g, Tensor xc, Tensor gy,
                                   Tensor gx, Sums sums, Tensor zSaved) {
        int r = g.rank;
        int t = spec.outChannels();
        int c = g.channels;
        float[] mT = f.mT;
        float[] uc = f.uc;
        float[] ucT = f.ucT;
        float[] taps = f.taps;
        DepthwiseChain chain = new DepthwiseChain(spec, g.inDims);
        int wc = chain.weightCount();
        int chunk = g.chunk;
        int ni = g.in.count();
        int no = g.out.count();
        float[] z = zSaved != null ? null : ThreadScratch.floats(ThreadScratch.Z, (long) chunk * r * g.inSlab);
        float[] h = ThreadScratch.floats(ThreadScratch.H, (long) chunk * r * g.outSlab);
        float[] gh = ThreadScratch.floats(ThreadScratch.GRAD_H, (long) chunk * r * g.outSlab);
        float[] gz = ThreadScratch.floats(ThreadScratch.GRAD_Z, (long) chunk * r * g.inSlab);
        float[] dmPart = new float[chunk * no * t * r];
        float[] dbPart = hasBias ? new float[chunk * no * t] : null;
        float[] ducPart = new float[chunk * ni * c * r];
        double[] gwAll = new double[g.batch * r * wc];
        DepthwiseChain.Work[] works = new DepthwiseChain.Work[DepthwiseParallel.threads()];
        for (int b0 = 0; b0 < g.batch; b0 += chunk) {
            int nb = Math.min(chunk, g.batch - b0);
            int slab0 = b0 * r;
            long xOff = xc.offset() + (long) b0 * c * g.inSize;
            long yOff = gy.offset() + (long) b0 * t * g.outSize;
            long gxOff = gx.offset() + (long) b0 * c * g.inSize;
            long zOff0 = zSaved == null ? 0 : zSaved.offset() + (long) b0 * r * g.inSize;
            int zJobs = zSaved == null ? nb * ni : 0; // a kept Z is copied slab by slab in the chain's jobs below
            DepthwiseParallel.forEach(zJobs + nb * no, () -> j -> {
                if (j < zJobs) {
                    PointwiseConv.mixIn(ucT, r, c, xc.segment(), xOff + (long) (j / ni) * c * g.inSize, g.in, j % ni,
                            z, (j / ni) * r * g.inSlab);
                } else {
                    int k = j - zJobs;
                    PointwiseConv.mixIn(mT, r, t, gy.segment(), yOff + (long) (k / no) * t * g.outSize, g.out, k % no,
                            gh, (k / no) * r * g.outSlab);
                }
            });
            DepthwiseParallel.forEach(nb * r, id -> {
                DepthwiseChain.Work work = work(works, id, chain);
                // a kept Z: this slab's row of it, copied into the worker's buffer just before the chain reads it
                float[] zs = zSaved == null ? z : ThreadScratch.floats(ThreadScratch.Z_SLAB, g.inSize);
                return i -> {
                    int zo = i * g.inSlab;
                    if (zSaved != null) {
                        MemorySegment.copy(zSaved.segment(), PointwiseConv.LE_FLOAT, (zOff0 + (long) i * g.inSize) * Float.BYTES, zs, 0,
                                g.inSize);
                        zo = 0;
                    }
                    chain.forwardBackward(DepthwiseConv1d.get(), zs, zo, taps, (i % r) * wc,
                            h, i * g.outSlab, gh, i * g.outSlab, gz, i * g.inSlab, gwAll, (slab0 + i) * wc, work);
                };
            });
            DepthwiseParallel.forEach(nb * (ni + no), () -> j -> {
                if (j < nb * no) {
                    PointwiseConv.gradient(gy.segment(), yOff + (long) (j / no) * t * g.outSize, t, h,
                            (j / no) * r * g.outSlab, r, g.out, j % no, dmPart, j * t * r, dbPart, j * t, null, null, 0);
                } else {
                    int k = j - nb * no;
                    int b = k / ni;
                    PointwiseConv.gradient(xc.segment(), xOff + (long) b * c * g.inSize, c, gz, b * r * g.inSlab, r,
                            g.in, k % ni, ducPart, k * c * r, null, 0, uc, gx.segment(), gxOff + (long) b * c * g.inSize);
                }
            });
            addParts(sums.dm, dmPart, nb * no);
            addParts(sums.duc, ducPart, nb * ni);
            if (hasBias) addParts(sums.db, dbPart, nb * no);
        }
        return gwAll;
    }

    /**
     * The gradients from the sums: dU_T = dM·diag λ, dλ_r = Σ_t dM[t, r]·U_T[t, r], dU_K[n][k, r] =
     * Σ over the {@code slabs} rows of {@code gw} (each R × Σ K_n, in row order), as new tensors in {@code out}.
     */
    private static CpConvGradients gradients(ConvSpec spec, CpConvWeights w, TensorScope out, Sums sums, double[] gw,
                                             int slabs, Tensor gx) {
        int r = w.rank();
        int t = spec.outChannels();
        int c = spec.inChannels();
        double[] dm = sums.dm;
        float[] lam = w.lambda().toArray();
        float[] ut = w.uT().toArray();
        float[] dut = new float[t * r];
        float[] dlam = new float[r];
        for (int rr = 0; rr < r; rr++) {
            double s = 0;
            for (int tt = 0; tt < t; tt++) {
                dut[tt * r + rr] = (float) (dm[tt * r + rr] * lam[rr]);
                s += dm[tt * r + rr] * ut[tt * r + rr];
            }
            dlam[rr] = (float) s;
        }
        int[] k = spec.kernel();
        int wc = sum(k);
        List<Tensor> duk = new ArrayList<>();
        for (int n = 0, off = 0; n < k.length; off += k[n], n++) {
            float[] f = new float[k[n] * r];
            for (int rr = 0; rr < r; rr++) {
                for (int kk = 0; kk < k[n]; kk++) {
                    double s = 0;
                    for (int bb = 0; bb < slabs; bb++) s += gw[(bb * r + rr) * wc + off + kk];
                    f[kk * r + rr] = (float) s;
                }
            }
            duk.add(out.fromArray(f, k[n], r));
        }
        Tensor dbias = w.bias() != null ? out.fromArray(toFloat(sums.db), t) : null;
        return new CpConvGradients(gx, out.fromArray(dlam, r), out.fromArray(dut, t, r),
                out.fromArray(toFloat(sums.duc), c, r), duk, dbias);
    }

    /** acc += Σ_j parts[j·len ..] for j in [0, count), in j order (len = acc.length). */
    private static void addParts(double[] acc, float[] parts, int count) {
        int len = acc.length;
        for (int j = 0; j < count; j++) {
            for (int i = 0; i < len; i++) acc[i] += parts[j * len + i];
        }
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** The transpose of a row-major (rows × cols) matrix. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        }
        return t;
    }

    /** Uᵀ row-major for a 2-D factor U. */
    private static float[] transposed(Tensor u) {
        return transpose(u.toArray(), u.dim(0), u.dim(1));
    }

    /** U_T·diag(λ), row-major (T × R). */
    private static float[] scaledUt(CpConvWeights w) {
        float[] ut = w.uT().toArray();
        float[] lam = w.lambda().toArray();
        int r = lam.length;
        for (int i = 0; i < ut.length; i++) ut[i] *= lam[i % r];
        return ut;
    }

    private static int sum(int[] a) {
        int s = 0;
        for (int v : a) s += v;
        return s;
    }

    /** Sizes of one call. */
    private static final class Geometry {
        final int batch;
        final int channels;
        final int rank;
        final int[] inDims;
        final int inSize;
        final int outSize;
        final int chunk;
        /** Row stride of the heap intermediates: the spatial size padded off a multiple of 1 KiB ({@link PointwiseConv.Blocks#heapStride}). */
        final int inSlab;
        final int outSlab;

        final PointwiseConv.Blocks in;
        final PointwiseConv.Blocks out;

        Geometry(ConvSpec spec, Shape x, int rank, int maxBlock) {
            int n = spec.spatialDims();
            this.batch = x.dim(0);
            this.channels = x.dim(1);
            this.rank = rank;
            this.inDims = new int[n];
            long in = 1;
            for (int i = 0; i < n; i++) {
                inDims[i] = x.dim(2 + i);
                in *= inDims[i];
            }
            long out = 1;
            for (int o : spec.outputSpatial(inDims)) out *= o;
            // Batch items per chunk: enough (b, r) slabs to keep every worker busy, few enough that
            // the chunk's intermediates stay cache-sized between the 1×1 and depthwise stages.
            int want = (4 * DepthwiseParallel.threads() + rank - 1) / rank;
            this.chunk = Math.max(1, Math.min(batch, want));
            if ((long) chunk * rank * (Math.max(in, out) + 32) > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("CP conv: " + chunk + "·R·spatial = " + chunk + "·" + rank + "·"
                        + Math.max(in, out) + " exceeds the 2^31 floats of a heap buffer for x of shape " + x);
            }
            this.inSize = (int) in;
            this.outSize = (int) out;
            this.in = PointwiseConv.Blocks.of(inSize, maxBlock);
            this.out = PointwiseConv.Blocks.of(outSize, maxBlock);
            this.inSlab = this.in.heapStride();
            this.outSlab = this.out.heapStride();
        }
    }
}
