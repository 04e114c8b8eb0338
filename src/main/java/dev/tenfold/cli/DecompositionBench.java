package dev.tenfold.cli;

import dev.tenfold.decomp.ConvergenceTrace;
import dev.tenfold.decomp.CpAls;
import dev.tenfold.decomp.CpHals;
import dev.tenfold.decomp.CpOptions;
import dev.tenfold.decomp.CpResult;
import dev.tenfold.decomp.CpTensor;
import dev.tenfold.decomp.Hooi;
import dev.tenfold.decomp.NtfOptions;
import dev.tenfold.decomp.TuckerOptions;
import dev.tenfold.decomp.TuckerResult;
import dev.tenfold.io.Npy;
import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decomposition benchmark ({@code cp}, {@code ntf}, {@code tucker}) on a tensor of CP rank R plus
 * 1% noise — size³ by default, or any shape (order 2 to 8) — timed per iteration, the same
 * workload as {@code bench/peers/numpy_decomp.py}.
 *
 * <p>Input: when the directory {@code -Dtenfold.decomp.data} (default {@code target/decomp-data})
 * holds {@code decomp_x_{key}_{rank}_{seed}.npy} and {@code decomp_init_{key}_{rank}_{seed}_{n}.npy}
 * (key: the size of a size³ cube, else the shape as in {@code 4000x2000}) — written by
 * {@code numpy_decomp.py --dump DIR} — both sides use those very arrays (field
 * {@code source = "peer files"}). Otherwise the same construction with tenfold's generator
 * (same distribution, other values): factors A_n standard normal (I_n × R), X0 = Σ_r A_0[:, r] ∘
 * … ∘ A_{N−1}[:, r], X = X0 + 0.01·‖X0‖/‖N‖·N with N standard normal; CP init uniform [0, 1)
 * ({@link CpTensor#random} with seed + 1). Tucker (ranks min(R, I_n)) starts from the truncated HOSVD.
 *
 * <p>Timing: untimed warm-up fits of up to 10 iterations until the JIT has settled — at least
 * {@link #WARM_MIN_SECONDS} and 5 fits, then until 3 fits in a row are no more than 5% faster
 * per iteration (median) than the best before them, at most {@link #WARM_MAX_SECONDS} or
 * {@link #WARM_MAX_FITS} fits: HOOI
 * 200³ still sped up for ~10 s, its warm-up fits spending much of their time in the HOSVD init
 * (a fixed 3 s measured 23–28 ms/iter where the settled JVM runs 15–19) — then the measured fit
 * with tol = 0; {@code ms} is the median milliseconds per iteration (also {@code mean_ms},
 * {@code best_ms}; {@code init_ms} is the time outside the iterations, e.g. the HOSVD;
 * {@code warmup_s} and {@code warmup_fits} what the warm-up took).
 */
final class DecompositionBench {
    /**
     * Shortest warm-up, seconds. 3 s was too short for CP-ALS 100³ once its sweep ran three kinds
     * of passes: C2 deoptimized and recompiled the last-mode kernel after ~1.3 s, and fits kept
     * getting faster past 3 s in steps the settle rule below missed (the measured fit ran at
     * 2.2–2.5 ms per iteration, ~1.1–1.3 settled).
     */
    static final double WARM_MIN_SECONDS = 8;
    /** Longest warm-up, seconds. */
    static final double WARM_MAX_SECONDS = 30;
    /**
     * Most warm-up fits (a bound for tiny problems). CP-ALS 100³ needed more than the former 200:
     * its sweep runs three kinds of passes, and 200 fits of 10 iterations ended after ~3 s while
     * C2 was still compiling them (the measured fit then ran at 2.4–3.9 ms per iteration, 1.3
     * settled).
     */
    static final int WARM_MAX_FITS = 2000;

    private DecompositionBench() { }

    static Map<String, Object> run(String method, int[] dims, int rank, int iters, long seed, int threads) {
        int before = Gemm.threads();
        Gemm.setThreads(threads);
        try (TensorScope scope = TensorScope.open()) {
            Path dir = Path.of(System.getProperty("tenfold.decomp.data", "target/decomp-data"));
            String key = cube(dims) ? Integer.toString(dims[0]) : shape(dims);
            Path xFile = dir.resolve("decomp_x_" + key + "_" + rank + "_" + seed + ".npy");
            boolean fromPeer = Files.isRegularFile(xFile);
            Tensor x = fromPeer ? Npy.read(scope, xFile) : build(scope, dims, rank, seed);
            if (!Arrays.equals(x.dims(), dims)) throw new IllegalStateException(xFile + " holds " + x.shape() + ", not " + shape(dims));
            CpTensor init = fromPeer ? readInit(scope, dir, key, dims, rank, seed) : CpTensor.random(scope, seed + 1, rank, dims);
            // warm-up: Vector API kernels run boxed until C2 compiles them (see the class comment)
            long warmStart = System.nanoTime();
            int warmFits = 0, settled = 0;
            double fastest = Double.POSITIVE_INFINITY;
            while (true) {
                double median = ((ConvergenceTrace) fit(method, x, init, rank, Math.min(10, iters))[0]).medianMillis();
                warmFits++;
                settled = median >= 0.95 * fastest ? settled + 1 : 0;
                fastest = Math.min(fastest, median);
                double seconds = (System.nanoTime() - warmStart) / 1e9;
                if (seconds >= WARM_MAX_SECONDS || warmFits >= WARM_MAX_FITS
                        || (seconds >= WARM_MIN_SECONDS && warmFits >= 5 && settled >= 3)) break;
            }
            double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
            long t0 = System.nanoTime();
            Object[] res = fit(method, x, init, rank, iters);
            double totalMs = (System.nanoTime() - t0) / 1e6;
            ConvergenceTrace trace = (ConvergenceTrace) res[0];
            double[] ms = trace.millis();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", method + " " + (cube(dims) ? dims[0] + "^3" : shape(dims)) + " rank " + rank);
            r.put("ms", trace.medianMillis());
            r.put("mean_ms", trace.meanMillis());
            r.put("best_ms", Arrays.stream(ms).min().orElse(0));
            r.put("init_ms", totalMs - Arrays.stream(ms).sum());
            r.put("warmup_s", warmSeconds);
            r.put("warmup_fits", warmFits);
            r.put("rel_error", res[1]);
            r.put("iterations", trace.size());
            r.put("threads", threads);
            r.put("source", fromPeer ? "peer files" : "generated");
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Gemm.setThreads(before);
        }
    }

    private static Object[] fit(String method, Tensor x, CpTensor init, int rank, int iters) {
        switch (method) {
            case "cp" -> {
                CpResult r = CpAls.fit(x, CpOptions.builder(rank).init(init).tol(0).maxIter(iters).build());
                return new Object[] {r.trace(), r.relError()};
            }
            case "ntf" -> {
                CpResult r = CpHals.fit(x, NtfOptions.builder(rank).init(init).tol(0).maxIter(iters).build());
                return new Object[] {r.trace(), r.relError()};
            }
            case "tucker" -> {
                int[] ranks = new int[x.rank()];
                for (int n = 0; n < ranks.length; n++) ranks[n] = Math.min(rank, x.dim(n));
                TuckerResult r = Hooi.fit(x, TuckerOptions.builder(ranks).tol(0).maxIter(iters).build());
                return new Object[] {r.trace(), r.relError()};
            }
            default -> throw new IllegalArgumentException("unknown decomposition benchmark '" + method + "' (cp, ntf, tucker)");
        }
    }

    /** X = Σ_r A_0[:, r] ∘ … ∘ A_{N−1}[:, r] + 1% noise (see the class comment). */
    static Tensor build(TensorScope scope, int[] dims, int rank, long seed) {
        List<Tensor> a = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) a.add(scope.normal(seed * 7 + n, 0f, 1f, dims[n], rank));
        Tensor x = new CpTensor(scope.ones(rank), a).toTensor();
        Tensor noise = scope.normal(seed * 7 + dims.length, 0f, 1f, dims);
        return x.axpyInPlace((float) (0.01 * x.norm() / noise.norm()), noise);
    }

    private static CpTensor readInit(TensorScope scope, Path dir, String key, int[] dims, int rank, long seed) throws IOException {
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) {
            Path f = dir.resolve("decomp_init_" + key + "_" + rank + "_" + seed + "_" + n + ".npy");
            us.add(Files.isRegularFile(f) ? Npy.read(scope, f) : scope.uniform(seed + 1 + n, 0f, 1f, dims[n], rank));
        }
        return CpTensor.withUnitWeights(us);
    }

    private static boolean cube(int[] dims) {
        return dims.length == 3 && dims[0] == dims[1] && dims[1] == dims[2];
    }

    private static String shape(int[] dims) {
        StringBuilder b = new StringBuilder();
        for (int d : dims) b.append(b.length() == 0 ? "" : "x").append(d);
        return b.toString();
    }
}
