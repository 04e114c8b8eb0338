package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Weights of a rank-R CP convolution: the dense kernel is
 * {@code W[t, c, k_0..k_{N-1}] = Σ_r λ_r·U_T[t, r]·U_C[c, r]·U_K0[k_0, r]·…·U_K{N-1}[k_{N-1}, r]}.
 * Shapes: λ (R), U_T (T × R), U_C (C × R), U_K[n] (K_n × R), bias (T) or null. Tensors are held,
 * not copied (any strides). The constructor checks the factors agree with each other;
 * {@link #validate(ConvSpec)} checks them against a layer's spec (groups must be 1).
 */
public final class CpConvWeights {
    private final Tensor lambda;
    private final Tensor uT;
    private final Tensor uC;
    private final List<Tensor> uK;
    private final Tensor bias;

    /**
     * @throws IllegalArgumentException when a factor is not 2-D with R columns, λ is not (R),
     *                                  the bias is not 1-D of length T, or no spatial factor is given
     */
    public CpConvWeights(Tensor lambda, Tensor uT, Tensor uC, List<Tensor> uK, Tensor bias) {
        if (lambda == null || uT == null || uC == null || uK == null) {
            throw new IllegalArgumentException("CP conv weights: lambda, uT, uC and uK must not be null");
        }
        if (lambda.rank() != 1) throw new IllegalArgumentException("lambda must be 1-D (R), got shape " + lambda.shape());
        int r = lambda.dim(0);
        checkFactor("uT", uT, r);
        checkFactor("uC", uC, r);
        if (uK.isEmpty()) throw new IllegalArgumentException("uK: need one factor per spatial dim, got none");
        for (int n = 0; n < uK.size(); n++) checkFactor("uK[" + n + "]", uK.get(n), r);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != uT.dim(0))) {
            throw new IllegalArgumentException("bias of shape " + bias.shape() + " must be (T) = (" + uT.dim(0)
                    + ") to match uT of shape " + uT.shape());
        }
        this.lambda = lambda;
        this.uT = uT;
        this.uC = uC;
        this.uK = List.copyOf(uK);
        this.bias = bias;
    }

    private static void checkFactor(String name, Tensor f, int r) {
        if (f == null) throw new IllegalArgumentException(name + " must not be null");
        if (f.rank() != 2 || f.dim(1) != r) {
            throw new IllegalArgumentException(name + " of shape " + f.shape() + " must be 2-D with R = " + r
                    + " columns (R from lambda of shape (" + r + "))");
        }
    }

    /**
     * Random weights for {@code spec} (factor entries uniform in [-1, 1), λ = 1, bias uniform when
     * the spec has one), in {@code scope}; the same seed gives the same weights.
     *
     * @throws IllegalArgumentException when rank ≤ 0 or groups ≠ 1
     */
    public static CpConvWeights random(TensorScope scope, ConvSpec spec, int rank, long seed) {
        if (rank <= 0) throw new IllegalArgumentException("rank must be >= 1, got " + rank + " for " + spec);
        requireUngrouped(spec);
        int[] k = spec.kernel();
        List<Tensor> uk = new ArrayList<>();
        for (int n = 0; n < k.length; n++) uk.add(scope.uniform(seed + 3 + n, -1f, 1f, k[n], rank));
        return new CpConvWeights(scope.ones(rank), scope.uniform(seed + 1, -1f, 1f, spec.outChannels(), rank),
                scope.uniform(seed + 2, -1f, 1f, spec.inChannels(), rank), uk,
                spec.hasBias() ? scope.uniform(seed + 99, -1f, 1f, spec.outChannels()) : null);
    }

    static void requireUngrouped(ConvSpec spec) {
        if (spec.groups() != 1) {
            throw new IllegalArgumentException("factorized convs need groups = 1, got groups=" + spec.groups()
                    + " in " + spec);
        }
    }

    /**
     * Checks these weights fit {@code spec}: groups = 1, U_T has T rows, U_C has C rows, one U_K
     * per spatial dim with K_n rows, and a bias exactly when the spec has one.
     *
     * @throws IllegalArgumentException naming the mismatching shapes
     */
    public void validate(ConvSpec spec) {
        requireUngrouped(spec);
        if (uT.dim(0) != spec.outChannels()) {
            throw new IllegalArgumentException("uT of shape " + uT.shape() + " must have T = " + spec.outChannels()
                    + " rows for " + spec);
        }
        if (uC.dim(0) != spec.inChannels()) {
            throw new IllegalArgumentException("uC of shape " + uC.shape() + " must have C = " + spec.inChannels()
                    + " rows for " + spec);
        }
        int[] k = spec.kernel();
        if (uK.size() != k.length) {
            throw new IllegalArgumentException("uK has " + uK.size() + " factors; " + spec + " has " + k.length
                    + " spatial dims");
        }
        for (int n = 0; n < k.length; n++) {
            if (uK.get(n).dim(0) != k[n]) {
                throw new IllegalArgumentException("uK[" + n + "] of shape " + uK.get(n).shape() + " must have K_" + n
                        + " = " + k[n] + " rows for kernel " + spec.weightShape());
            }
        }
        if (spec.hasBias() != (bias != null)) {
            throw new IllegalArgumentException("bias is " + (bias == null ? "missing" : "of shape " + bias.shape())
                    + " but " + spec + (spec.hasBias() ? " has a bias" : " has no bias"));
        }
    }

    /** CP rank R. */
    public int rank() { return lambda.dim(0); }
    /** λ (R). */
    public Tensor lambda() { return lambda; }
    /** U_T (T × R). */
    public Tensor uT() { return uT; }
    /** U_C (C × R). */
    public Tensor uC() { return uC; }
    /** The spatial factors U_K[n] (K_n × R), unmodifiable. */
    public List<Tensor> uK() { return uK; }
    /** U_K[n] (K_n × R). */
    public Tensor uK(int n) { return uK.get(n); }
    /** Bias (T) or null. */
    public Tensor bias() { return bias; }

    /** Same factors with another bias (or null). */
    public CpConvWeights withBias(Tensor newBias) {
        return new CpConvWeights(lambda, uT, uC, uK, newBias);
    }

    /** Kernel sizes (K_0..K_{N-1}) from the spatial factors. */
    public int[] kernel() {
        int[] k = new int[uK.size()];
        for (int n = 0; n < k.length; n++) k[n] = uK.get(n).dim(0);
        return k;
    }

    /**
     * The dense kernel (T, C, K_0..K_{N-1}) in λ's scope: W = U_T · Q with
     * Q[r, (c, k…)] = λ_r·U_C[c, r]·∏_n U_K[n][k_n, r] (one GEMM).
     */
    public Tensor reconstruct() {
        return reconstruct(lambda.scope());
    }

    /** {@link #reconstruct()} into {@code scope}. */
    Tensor reconstruct(TensorScope scope) {
        int r = rank();
        int t = uT.dim(0);
        int c = uC.dim(0);
        int[] k = kernel();
        float[] p = separableKernels(true);
        int taps = p.length / r;
        float[] uc = uC.toArray();
        float[] q = new float[r * c * taps];
        for (int rr = 0; rr < r; rr++) {
            for (int cc = 0; cc < c; cc++) {
                float s = uc[cc * r + rr];
                int base = (rr * c + cc) * taps;
                for (int j = 0; j < taps; j++) q[base + j] = s * p[rr * taps + j];
            }
        }
        int[] dims = new int[2 + k.length];
        dims[0] = t;
        dims[1] = c;
        System.arraycopy(k, 0, dims, 2, k.length);
        Tensor w = scope.zeros(Shape.of(dims));
        long[] ts = uT.strides();
        Gemm.sgemm(t, c * taps, r, 1f, uT.segment(), uT.offset(), ts[0], ts[1],
                MemorySegment.ofArray(q), 0, (long) c * taps, 1, 0f, w.segment(), w.offset(), (long) c * taps, 1);
        return w;
    }

    /**
     * Per rank r the N-D separable kernel ⊗_n U_K[n][:, r] (times λ_r when {@code withLambda}),
     * row-major over (r, k_0..k_{N-1}).
     */
    float[] separableKernels(boolean withLambda) {
        int r = rank();
        int taps = 1;
        for (int kk : kernel()) taps *= kk;
        float[] lam = lambda.toArray();
        float[] out = new float[r * taps];
        float[][] f = new float[uK.size()][];
        for (int n = 0; n < f.length; n++) f[n] = uK.get(n).toArray();
        int[] k = kernel();
        for (int rr = 0; rr < r; rr++) {
            for (int j = 0; j < taps; j++) {
                double v = withLambda ? lam[rr] : 1.0;
                int rem = j;
                for (int n = k.length - 1; n >= 0; n--) {
                    v *= f[n][(rem % k[n]) * r + rr];
                    rem /= k[n];
                }
                out[rr * taps + j] = (float) v;
            }
        }
        return out;
    }

    /** Per rank r the concatenated 1-D taps U_K[0][:, r], …, U_K[N-1][:, r] (row r of length Σ K_n). */
    float[] spatialColumns() {
        int r = rank();
        int[] k = kernel();
        int total = 0;
        for (int kk : k) total += kk;
        float[] out = new float[r * total];
        int off = 0;
        for (int n = 0; n < k.length; n++) {
            float[] f = uK.get(n).toArray();
            for (int rr = 0; rr < r; rr++) {
                for (int j = 0; j < k[n]; j++) out[rr * total + off + j] = f[j * r + rr];
            }
            off += k[n];
        }
        return out;
    }
}
