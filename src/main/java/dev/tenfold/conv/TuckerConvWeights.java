package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Weights of a Tucker convolution (channel modes factorized, spatial modes not):
 * {@code W = G ×_0 U_T ×_1 U_C}, i.e. {@code W[t, c, k…] = Σ_{a, b} U_T[t, a]·U_C[c, b]·G[a, b, k…]}.
 * Shapes: core G (R_T, R_C, K_0..K_{N-1}), U_T (T × R_T), U_C (C × R_C), bias (T) or null.
 * Tensors are held, not copied. {@link #validate(ConvSpec)} checks them against a spec.
 */
public final class TuckerConvWeights {
    private final Tensor core;
    private final Tensor uT;
    private final Tensor uC;
    private final Tensor bias;

    /**
     * @throws IllegalArgumentException when the core has fewer than 3 dims, or U_T / U_C / bias
     *                                  do not match the core's ranks
     */
    public TuckerConvWeights(Tensor core, Tensor uT, Tensor uC, Tensor bias) {
        if (core == null || uT == null || uC == null) {
            throw new IllegalArgumentException("Tucker conv weights: core, uT and uC must not be null");
        }
        if (core.rank() < 3) {
            throw new IllegalArgumentException("core of shape " + core.shape() + " must be (R_T, R_C, K_0..K_{N-1}) with N >= 1");
        }
        if (uT.rank() != 2 || uT.dim(1) != core.dim(0)) {
            throw new IllegalArgumentException("uT of shape " + uT.shape() + " must be (T × R_T) with R_T = " + core.dim(0)
                    + " from core of shape " + core.shape());
        }
        if (uC.rank() != 2 || uC.dim(1) != core.dim(1)) {
            throw new IllegalArgumentException("uC of shape " + uC.shape() + " must be (C × R_C) with R_C = " + core.dim(1)
                    + " from core of shape " + core.shape());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != uT.dim(0))) {
            throw new IllegalArgumentException("bias of shape " + bias.shape() + " must be (T) = (" + uT.dim(0)
                    + ") to match uT of shape " + uT.shape());
        }
        this.core = core;
        this.uT = uT;
        this.uC = uC;
        this.bias = bias;
    }

    /**
     * Random weights for {@code spec} with ranks (R_T, R_C), entries uniform in [-1, 1), in {@code scope}.
     *
     * @throws IllegalArgumentException when a rank is ≤ 0 or groups ≠ 1
     */
    public static TuckerConvWeights random(TensorScope scope, ConvSpec spec, int rankT, int rankC, long seed) {
        if (rankT <= 0 || rankC <= 0) {
            throw new IllegalArgumentException("ranks must be >= 1, got R_T=" + rankT + ", R_C=" + rankC + " for " + spec);
        }
        CpConvWeights.requireUngrouped(spec);
        int[] k = spec.kernel();
        int[] dims = new int[2 + k.length];
        dims[0] = rankT;
        dims[1] = rankC;
        System.arraycopy(k, 0, dims, 2, k.length);
        return new TuckerConvWeights(scope.uniform(seed, -1f, 1f, dims),
                scope.uniform(seed + 1, -1f, 1f, spec.outChannels(), rankT),
                scope.uniform(seed + 2, -1f, 1f, spec.inChannels(), rankC),
                spec.hasBias() ? scope.uniform(seed + 99, -1f, 1f, spec.outChannels()) : null);
    }

    /**
     * Checks these weights fit {@code spec}: groups = 1, T and C rows, core kernel dims = K, bias
     * exactly when the spec has one.
     *
     * @throws IllegalArgumentException naming the mismatching shapes
     */
    public void validate(ConvSpec spec) {
        CpConvWeights.requireUngrouped(spec);
        if (uT.dim(0) != spec.outChannels()) {
            throw new IllegalArgumentException("uT of shape " + uT.shape() + " must have T = " + spec.outChannels()
                    + " rows for " + spec);
        }
        if (uC.dim(0) != spec.inChannels()) {
            throw new IllegalArgumentException("uC of shape " + uC.shape() + " must have C = " + spec.inChannels()
                    + " rows for " + spec);
        }
        if (!Arrays.equals(kernel(), spec.kernel())) {
            throw new IllegalArgumentException("core of shape " + core.shape() + " must have kernel dims "
                    + Arrays.toString(spec.kernel()) + " for " + spec);
        }
        if (spec.hasBias() != (bias != null)) {
            throw new IllegalArgumentException("bias is " + (bias == null ? "missing" : "of shape " + bias.shape())
                    + " but " + spec + (spec.hasBias() ? " has a bias" : " has no bias"));
        }
    }

    /** Core G (R_T, R_C, K…). */
    public Tensor core() { return core; }
    /** U_T (T × R_T). */
    public Tensor uT() { return uT; }
    /** U_C (C × R_C). */
    public Tensor uC() { return uC; }
    /** Bias (T) or null. */
    public Tensor bias() { return bias; }
    /** R_T. */
    public int rankT() { return core.dim(0); }
    /** R_C. */
    public int rankC() { return core.dim(1); }

    /** Kernel sizes (K_0..K_{N-1}) from the core. */
    public int[] kernel() {
        return Arrays.copyOfRange(core.dims(), 2, core.rank());
    }

    /** The dense kernel (T, C, K…) in the core's scope. */
    public Tensor reconstruct() {
        return reconstruct(core.scope());
    }

    /** Dense kernel into {@code scope}: G1 = U_T·G_(0) (one GEMM), then W[t] = U_C·G1[t] per t. */
    Tensor reconstruct(TensorScope scope) {
        int t = uT.dim(0);
        int c = uC.dim(0);
        int rt = rankT();
        int rc = rankC();
        int[] k = kernel();
        int taps = 1;
        for (int v : k) taps *= v;
        float[] g = core.toArray();
        float[] g1 = new float[t * rc * taps];
        long[] ts = uT.strides();
        Gemm.sgemm(t, rc * taps, rt, 1f, uT.segment(), uT.offset(), ts[0], ts[1],
                MemorySegment.ofArray(g), 0, (long) rc * taps, 1, 0f, MemorySegment.ofArray(g1), 0, (long) rc * taps, 1);
        int[] dims = new int[2 + k.length];
        dims[0] = t;
        dims[1] = c;
        System.arraycopy(k, 0, dims, 2, k.length);
        Tensor w = scope.zeros(Shape.of(dims));
        long[] cs = uC.strides();
        MemorySegment g1s = MemorySegment.ofArray(g1);
        for (int tt = 0; tt < t; tt++) {
            Gemm.sgemm(c, taps, rc, 1f, uC.segment(), uC.offset(), cs[0], cs[1],
                    g1s, (long) tt * rc * taps, taps, 1, 0f, w.segment(), w.offset() + (long) tt * c * taps, taps, 1);
        }
        return w;
    }
}
