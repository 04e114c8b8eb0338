package dev.tenfold.conv;

import dev.tenfold.contract.ModeProduct;
import dev.tenfold.decomp.CpAls;
import dev.tenfold.decomp.CpOptions;
import dev.tenfold.decomp.CpTensor;
import dev.tenfold.decomp.Hooi;
import dev.tenfold.decomp.TuckerOptions;
import dev.tenfold.decomp.TuckerTensor;
import dev.tenfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Compresses a dense conv kernel (T, C, K_0..K_{N-1}) (PyTorch layout, groups = 1) into CP or
 * Tucker conv weights. CP: CP-ALS (SVD init) of the kernel tensor, factor 0 → U_T, 1 → U_C,
 * 2+n → U_Kn. Tucker: HOOI at ranks (R_T, R_C, K_0, …) — spatial modes kept at full rank — with
 * the spatial factors multiplied back into the core, giving a (R_T, R_C, K…) core. Ranks may be
 * chosen from a fraction of the dense parameter count ({@link #cpRankFor}, {@link #tuckerRankFor}).
 * FLOP counts are per output position and batch item (stride 1), 2 per multiply-add.
 */
public final class KernelCompression {
    private KernelCompression() { }

    /** A compressed layer with its reconstruction error and sizes. */
    public record Result(ConvSpec spec, CpConvWeights cp, TuckerConvWeights tucker, double relError,
                         long denseParams, long params, double denseFlopsPerPosition, double flopsPerPosition) { }

    /** The spec matching a dense kernel of shape (T, C, K…), groups 1, bias when {@code withBias}. */
    public static ConvSpec specOf(Tensor kernel, boolean withBias) {
        if (kernel == null || kernel.rank() < 3) {
            throw new IllegalArgumentException("kernel must have shape (T, C, K_0, ...) with at least one spatial dim, got "
                    + (kernel == null ? "null" : kernel.shape()));
        }
        int[] d = kernel.dims();
        int[] k = new int[d.length - 2];
        System.arraycopy(d, 2, k, 0, k.length);
        return ConvSpec.builder(d[1], d[0], k).bias(withBias).build();
    }

    /** Largest CP rank R with R·(T + C + ΣK) ≤ fraction · T·C·∏K (at least 1). */
    public static int cpRankFor(ConvSpec spec, double fraction) {
        checkFraction(fraction);
        long per = spec.outChannels() + spec.inChannels();
        for (int k : spec.kernel()) per += k;
        return (int) Math.max(1, Math.floor(fraction * spec.weightShape().size() / per));
    }

    /** Largest R = R_T = R_C with R²·∏K + R·(T + C) ≤ fraction · T·C·∏K (at least 1, at most min(T, C)). */
    public static int tuckerRankFor(ConvSpec spec, double fraction) {
        checkFraction(fraction);
        double kk = 1;
        for (int k : spec.kernel()) kk *= k;
        double budget = fraction * spec.weightShape().size();
        double tc = spec.outChannels() + spec.inChannels();
        int r = (int) Math.floor((-tc + Math.sqrt(tc * tc + 4 * kk * budget)) / (2 * kk));
        return Math.max(1, Math.min(r, Math.min(spec.outChannels(), spec.inChannels())));
    }

    private static void checkFraction(double f) {
        if (!(f > 0 && f <= 1)) throw new IllegalArgumentException("rank fraction must be in (0, 1], got " + f);
    }

    /** CP-compresses {@code kernel} (shape spec.weightShape()) at {@code rank}; bias (T) or null is kept. */
    public static Result cp(Tensor kernel, Tensor bias, int rank, long seed) {
        ConvSpec spec = specOf(kernel, bias != null);
        if (rank < 1) throw new IllegalArgumentException("rank must be >= 1, got " + rank + " for kernel " + kernel.shape());
        CpTensor t = CpAls.fit(kernel, CpOptions.builder(rank).seed(seed).tol(1e-8).maxIter(500).build()).tensor();
        List<Tensor> uk = new ArrayList<>();
        for (int n = 2; n < t.order(); n++) uk.add(t.factor(n));
        CpConvWeights w = new CpConvWeights(t.weights(), t.factor(0), t.factor(1), uk, bias);
        long params = (long) rank * (spec.outChannels() + spec.inChannels() + 1);
        double flops = 2.0 * rank * (spec.inChannels() + spec.outChannels());
        for (int k : spec.kernel()) {
            params += (long) rank * k;
            flops += 2.0 * rank * k;
        }
        return new Result(spec, w, null, relError(kernel, w.reconstruct()), spec.weightShape().size(), params,
                2.0 * spec.weightShape().size(), flops);
    }

    /** Tucker-compresses {@code kernel} at channel ranks (rankT, rankC); bias (T) or null is kept. */
    public static Result tucker(Tensor kernel, Tensor bias, int rankT, int rankC, long seed) {
        ConvSpec spec = specOf(kernel, bias != null);
        if (rankT < 1 || rankC < 1 || rankT > spec.outChannels() || rankC > spec.inChannels()) {
            throw new IllegalArgumentException("Tucker ranks (" + rankT + ", " + rankC + ") must be in [1, T] x [1, C] for kernel "
                    + kernel.shape());
        }
        int[] ranks = kernel.dims();
        ranks[0] = rankT;
        ranks[1] = rankC;
        TuckerTensor t = Hooi.fit(kernel, TuckerOptions.builder(ranks).seed(seed).tol(1e-8).maxIter(100).build()).tensor();
        Tensor core = t.core();
        for (int n = 2; n < kernel.rank(); n++) core = ModeProduct.modeProduct(core, t.factor(n), n);
        TuckerConvWeights w = new TuckerConvWeights(core, t.factor(0), t.factor(1), bias);
        long kk = 1;
        for (int k : spec.kernel()) kk *= k;
        long params = (long) rankT * rankC * kk + (long) rankT * spec.outChannels() + (long) rankC * spec.inChannels();
        double flops = 2.0 * (rankC * spec.inChannels() + (double) rankT * rankC * kk + (double) spec.outChannels() * rankT);
        return new Result(spec, null, w, relError(kernel, w.reconstruct()), spec.weightShape().size(), params,
                2.0 * spec.weightShape().size(), flops);
    }

    private static double relError(Tensor kernel, Tensor approx) {
        return kernel.sub(approx).norm() / Math.max(kernel.norm(), Double.MIN_NORMAL);
    }
}
