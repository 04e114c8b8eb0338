package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * CP (canonical polyadic) convolution: a convolution whose kernel is the rank-R CP tensor of
 * {@link CpConvWeights}, evaluated in one of three {@link ConvForm}s that compute the same
 * function. Layouts as {@link ConvSpec}: x (B, C, D_0..D_{N-1}), y (B, T, O_0..O_{N-1}).
 *
 * <p>Factorized forward: Z_b = U_Cᵀ·X_b (GEMM, (R × C)·(C × ∏D)); per (b, r) slab the N 1-D
 * depthwise passes with U_K[n][:, r] (fused, vectorised, parallel over slabs); Y_b =
 * (U_T·diag λ)·H_b (GEMM) + bias. Costs 2·B·(R·C·∏D + R·Σ_n K_n·(partial sizes) + T·R·∏O)
 * flops instead of 2·B·T·C·∏K·∏O. Results do not depend on the thread count.
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
     *                                  or when y has the wrong shape or is not contiguous
     */
    public static void forward(ConvSpec spec, CpConvWeights w, Tensor x, ConvForm form, Tensor y) {
        w.validate(spec);
        Shape yShape = spec.outputShape(x.shape());
        if (!y.shape().equals(yShape) || !y.isContiguous()) {
            throw new IllegalArgumentException("y of shape " + y.shape() + (y.isContiguous() ? "" : " (not contiguous)")
                    + " must be a contiguous " + yShape + " for x of shape " + x.shape());
        }
        if (form == ConvForm.RECONSTRUCTED) {
            try (TensorScope tmp = TensorScope.open()) {
                DenseConv.forward(spec, x, w.reconstruct(tmp), w.bias(), y);
                return;
            }
        }
        Geometry g = new Geometry(spec, x.shape(), w.rank());
        Tensor xc = x.contiguous();
        float[] z = buffer(0, (long) g.batch * g.rank * g.inSize);
        projectIn(g, w, xc, z);
        float[] h = buffer(1, (long) g.batch * g.rank * g.outSize);
        float[] taps = w.spatialColumns();
        if (form == ConvForm.MOBILENET) {
            DepthwiseNd nd = new DepthwiseNd(spec, g.inDims);
            int wc = sum(spec.kernel());
            DepthwiseParallel.forEach(g.batch * g.rank, () -> {
                DepthwiseScratch sc = new DepthwiseScratch();
                return i -> nd.forward(DepthwiseConv1d.get(), z, i * g.inSize, taps, (i % g.rank) * wc,
                        h, i * g.outSize, sc);
            });
        } else {
            DepthwiseChain chain = new DepthwiseChain(spec, g.inDims);
            int wc = chain.weightCount();
            DepthwiseParallel.forEach(g.batch * g.rank, () -> {
                DepthwiseChain.Work work = chain.newWork();
                return i -> chain.forward(DepthwiseConv1d.get(), z, i * g.inSize, taps, (i % g.rank) * wc,
                        h, i * g.outSize, work);
            });
        }
        projectOut(g, w, h, y);
    }

    /**
     * Gradients of L w.r.t. x and every factor given dL/dy, through the factorized path (the
     * reverse of each stage: GEMMs for the 1×1s, transposed 1-D depthwise convs and tap
     * correlations per mode). All results are new tensors in gradY's scope.
     *
     * @throws IllegalArgumentException when shapes do not fit the spec or gradY is not (B, T, O…)
     */
    public static CpConvGradients backward(ConvSpec spec, CpConvWeights w, Tensor x, Tensor gradY) {
        w.validate(spec);
        Shape yShape = spec.outputShape(x.shape());
        if (!gradY.shape().equals(yShape)) {
            throw new IllegalArgumentException("gradY of shape " + gradY.shape() + " must be the output shape "
                    + yShape + " for x of shape " + x.shape());
        }
        Geometry g = new Geometry(spec, x.shape(), w.rank());
        int b = g.batch;
        int r = g.rank;
        int t = spec.outChannels();
        int c = spec.inChannels();
        Tensor xc = x.contiguous();
        Tensor gy = gradY.contiguous();
        TensorScope out = gradY.scope();

        float[] z = buffer(0, (long) b * r * g.inSize);
        projectIn(g, w, xc, z);
        float[] m = scaledUt(w);
        float[] gh = buffer(2, (long) b * r * g.outSize);
        PointwiseConv.forward(b, r, t, g.outSize, MemorySegment.ofArray(m), 0, 1, r,
                gy.segment(), gy.offset(), 0f, MemorySegment.ofArray(gh), 0);

        DepthwiseChain chain = new DepthwiseChain(spec, g.inDims);
        int wc = chain.weightCount();
        float[] taps = w.spatialColumns();
        float[] h = buffer(1, (long) b * r * g.outSize);
        float[] gz = buffer(3, (long) b * r * g.inSize);
        double[] gwAll = new double[b * r * wc];
        DepthwiseParallel.forEach(b * r, () -> {
            DepthwiseChain.Work work = chain.newWork();
            return (IntConsumer) i -> chain.forwardBackward(DepthwiseConv1d.get(), z, i * g.inSize, taps,
                    (i % r) * wc, h, i * g.outSize, gh, i * g.outSize, gz, i * g.inSize, gwAll, i * wc, work);
        });

        // 1×1 R→T: dM = Σ_b gY_b·H_bᵀ; dU_T = dM·diag λ; dλ_r = Σ_t dM[t, r]·U_T[t, r].
        float[] dm = new float[t * r];
        PointwiseConv.sumOuter(b, t, r, g.outSize, gy.segment(), gy.offset(), MemorySegment.ofArray(h), 0,
                MemorySegment.ofArray(dm), 0, r, 1);
        float[] lam = w.lambda().toArray();
        float[] ut = w.uT().toArray();
        float[] dut = new float[t * r];
        float[] dlam = new float[r];
        for (int rr = 0; rr < r; rr++) {
            double s = 0;
            for (int tt = 0; tt < t; tt++) {
                dut[tt * r + rr] = dm[tt * r + rr] * lam[rr];
                s += (double) dm[tt * r + rr] * ut[tt * r + rr];
            }
            dlam[rr] = (float) s;
        }

        // 1×1 C→R: dU_C = Σ_b X_b·gZ_bᵀ; dX_b = U_C·gZ_b.
        Tensor duc = out.zeros(c, r);
        PointwiseConv.sumOuter(b, c, r, g.inSize, xc.segment(), xc.offset(), MemorySegment.ofArray(gz), 0,
                duc.segment(), duc.offset(), r, 1);
        Tensor gx = out.zeros(x.shape());
        float[] uc = w.uC().toArray();
        PointwiseConv.forward(b, c, r, g.inSize, MemorySegment.ofArray(uc), 0, r, 1,
                MemorySegment.ofArray(gz), 0, 0f, gx.segment(), gx.offset());

        // Spatial factors: dU_K[n][k, r] = Σ_b (slab (b, r) contribution), summed in b order.
        int[] k = spec.kernel();
        List<Tensor> duk = new ArrayList<>();
        for (int n = 0; n < k.length; n++) {
            float[] f = new float[k[n] * r];
            int off = chain.weightOffset(n);
            for (int rr = 0; rr < r; rr++) {
                for (int kk = 0; kk < k[n]; kk++) {
                    double s = 0;
                    for (int bb = 0; bb < b; bb++) s += gwAll[(bb * r + rr) * wc + off + kk];
                    f[kk * r + rr] = (float) s;
                }
            }
            duk.add(out.fromArray(f, k[n], r));
        }
        Tensor db = w.bias() == null ? null
                : out.fromArray(PointwiseConv.biasGradient(gy.segment(), gy.offset(), b, t, g.outSize), t);
        return new CpConvGradients(gx, out.fromArray(dlam, r), out.fromArray(dut, t, r), duc, duk, db);
    }

    /**
     * Per-thread reusable heap intermediates (z, h, gradients): large arrays are not re-allocated
     * and re-zeroed on every call; every use overwrites the part it reads. Soft references let the
     * GC reclaim them under memory pressure.
     */
    private static final ThreadLocal<SoftReference<float[]>[]> BUFFERS = ThreadLocal.withInitial(CpConv::emptyBuffers);

    @SuppressWarnings("unchecked")
    private static SoftReference<float[]>[] emptyBuffers() {
        return new SoftReference[4];
    }

    /** A heap buffer of at least {@code size} floats for slot 0..3 of this thread (contents unspecified). */
    private static float[] buffer(int slot, long size) {
        SoftReference<float[]>[] slots = BUFFERS.get();
        float[] a = slots[slot] == null ? null : slots[slot].get();
        if (a == null || a.length < size) {
            a = new float[Math.toIntExact(size)];
            slots[slot] = new SoftReference<>(a);
        }
        return a;
    }

    /** z (B, R, ∏D) = U_Cᵀ·X_b for each b. */
    private static void projectIn(Geometry g, CpConvWeights w, Tensor xc, float[] z) {
        Tensor uc = w.uC();
        long[] s = uc.strides();
        PointwiseConv.forward(g.batch, g.rank, g.channels, g.inSize, uc.segment(), uc.offset(), s[1], s[0],
                xc.segment(), xc.offset(), 0f, MemorySegment.ofArray(z), 0);
    }

    /** y (B, T, ∏O) = (U_T·diag λ)·H_b + bias for each b. */
    private static void projectOut(Geometry g, CpConvWeights w, float[] h, Tensor y) {
        int t = w.uT().dim(0);
        float beta = 0f;
        if (w.bias() != null) {
            PointwiseConv.fillBias(y.segment(), y.offset(), g.batch, t, g.outSize, w.bias().toArray());
            beta = 1f;
        }
        PointwiseConv.forward(g.batch, t, g.rank, g.outSize, MemorySegment.ofArray(scaledUt(w)), 0, g.rank, 1,
                MemorySegment.ofArray(h), 0, beta, y.segment(), y.offset());
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

        Geometry(ConvSpec spec, Shape x, int rank) {
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
            if ((long) batch * rank * Math.max(in, out) > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("CP conv: B·R·spatial = " + batch + "·" + rank + "·" + Math.max(in, out)
                        + " exceeds the 2^31 floats of a heap buffer for x of shape " + x);
            }
            this.inSize = (int) in;
            this.outSize = (int) out;
        }
    }
}
