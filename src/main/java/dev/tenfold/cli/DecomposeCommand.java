package dev.tenfold.cli;

import dev.tenfold.decomp.ConvergenceTrace;
import dev.tenfold.decomp.CpAls;
import dev.tenfold.decomp.CpHals;
import dev.tenfold.decomp.CpOptions;
import dev.tenfold.decomp.CpResult;
import dev.tenfold.decomp.CpTensor;
import dev.tenfold.decomp.Hooi;
import dev.tenfold.decomp.IterationListener;
import dev.tenfold.decomp.NtfOptions;
import dev.tenfold.decomp.TuckerOptions;
import dev.tenfold.decomp.TuckerResult;
import dev.tenfold.io.Npy;
import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code tenfold decompose}: CP-ALS, non-negative CP (HALS) or Tucker (HOOI) of a tensor stored
 * as {@code .npy}; writes the factors as {@code .npy} files into an output directory
 * ({@code factor_0.npy} …, plus {@code weights.npy} for CP or {@code core.npy} for Tucker) and
 * prints the relative error, the iteration count and milliseconds per iteration (one JSON object
 * with {@code --json}). A progress bar goes to stderr when a console is attached.
 */
final class DecomposeCommand implements Command {
    @Override public String name() { return "decompose"; }

    @Override public String summary() { return "CP-ALS, non-negative CP or Tucker (HOOI) of a .npy tensor"; }

    @Override
    public String usage() {
        return """
                usage: tenfold decompose --method cp|ntf|tucker --rank R[,R2,...] [--init svd|random] [--tol T]
                                         [--max-iter N] [--seed S] [--threads T] [--json] IN.npy OUT_DIR
                  --method    cp (ALS), ntf (non-negative CP, HALS) or tucker (HOOI)
                  --rank      CP rank R, or Tucker ranks R_0,...,R_{N-1} (one R = the same for every mode)
                  --init      svd (default; HOSVD for tucker) or random (seeded)
                  --tol       stop when the relative error changes by less (default 1e-6)
                  --max-iter  maximum iterations (default 100)
                  --seed      seed of the random init (default 0)
                  --threads   GEMM threads (default: all cores)
                  --json      one JSON object: rel_error, iterations, ms_per_iter (mean),
                              median_ms_per_iter, first_iter_ms, ...
                writes OUT_DIR/factor_0.npy ... and weights.npy (cp, ntf) or core.npy (tucker)
                example: tenfold decompose --method cp --rank 10 x.npy out/""";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("method", "rank", "init", "tol", "max-iter", "seed", "threads"), Set.of("json"));
        if (args.positional().size() != 2) throw new Args.UsageException("give IN.npy and OUT_DIR");
        String method = args.get("method", null);
        if (method == null) throw new Args.UsageException("--method is required (cp, ntf or tucker)");
        if (!Set.of("cp", "ntf", "tucker").contains(method)) throw new Args.UsageException("unknown --method '" + method + "'; use cp, ntf or tucker");
        int[] ranks = parseRanks(args.get("rank", null));
        String init = args.get("init", "svd");
        if (!init.equals("svd") && !init.equals("random")) throw new Args.UsageException("--init must be svd or random, got '" + init + "'");
        double tol = parseDouble("tol", args.get("tol", "1e-6"));
        int maxIter = args.getPositiveInt("max-iter", 100);
        long seed = parseLong("seed", args.get("seed", "0"));
        int threads = args.getPositiveInt("threads", Gemm.threads());
        Path in = Path.of(args.positional().get(0)), outDir = Path.of(args.positional().get(1));
        if (!method.equals("tucker") && ranks.length != 1) throw new Args.UsageException("--rank for " + method + " is one number, got " + Arrays.toString(ranks));

        int before = Gemm.threads();
        Gemm.setThreads(threads);
        boolean progress = System.console() != null && !args.flag("json");
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = Npy.read(scope, in);
            Files.createDirectories(outDir);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", method);
            r.put("shape", x.shape().toString());
            long t0 = System.nanoTime();
            if (method.equals("tucker")) {
                int[] rk = ranks.length == 1 ? filled(ranks[0], x.rank()) : ranks;
                TuckerResult res = Hooi.fit(x, TuckerOptions.builder(rk).tol(tol).maxIter(maxIter).seed(seed)
                        .init(init.equals("svd") ? TuckerOptions.Init.HOSVD : TuckerOptions.Init.RANDOM)
                        .listener(progress ? bar(maxIter) : null).build());
                write(res.tensor().core(), outDir.resolve("core.npy"));
                for (int n = 0; n < rk.length; n++) write(res.tensor().factor(n), outDir.resolve("factor_" + n + ".npy"));
                r.put("ranks", Arrays.toString(rk));
                summary(r, res.relError(), res.iterations(), res.converged(), res.trace(), t0);
            } else {
                CpOptions.Init ci = init.equals("svd") ? CpOptions.Init.SVD : CpOptions.Init.RANDOM;
                IterationListener<CpTensor> l = progress ? bar(maxIter) : null;
                CpResult res = method.equals("cp")
                        ? CpAls.fit(x, CpOptions.builder(ranks[0]).init(ci).tol(tol).maxIter(maxIter).seed(seed).listener(l).build())
                        : CpHals.fit(x, NtfOptions.builder(ranks[0]).init(ci).tol(tol).maxIter(maxIter).seed(seed).listener(l).build());
                write(res.tensor().weights(), outDir.resolve("weights.npy"));
                for (int n = 0; n < x.rank(); n++) write(res.tensor().factor(n), outDir.resolve("factor_" + n + ".npy"));
                r.put("rank", ranks[0]);
                summary(r, res.relError(), res.iterations(), res.converged(), res.trace(), t0);
            }
            r.put("threads", threads);
            r.put("out", outDir.toString());
            if (progress) System.err.println();
            if (args.flag("json")) {
                out.println(Json.object(r));
            } else {
                out.printf(Locale.ROOT, "%s of %s: relative error %.6g after %d iterations (%s), %.3f ms per iteration"
                                + " (median %.3f; the first, with the JIT warm-up, %.3f)%n",
                        method, r.get("shape"), (Double) r.get("rel_error"), (Integer) r.get("iterations"),
                        (Boolean) r.get("converged") ? "converged" : "not converged", (Double) r.get("ms_per_iter"),
                        (Double) r.get("median_ms_per_iter"), (Double) r.get("first_iter_ms"));
                out.println("factors written to " + outDir);
            }
            return 0;
        } finally {
            Gemm.setThreads(before);
        }
    }

    /**
     * The result's figures: ms_per_iter is the mean over the iterations, which includes the JIT
     * warm-up of the first ones (on a short run of a small tensor, most of it);
     * median_ms_per_iter is the steady state, first_iter_ms the first iteration.
     */
    private static void summary(Map<String, Object> r, double err, int iterations, boolean converged, ConvergenceTrace trace, long t0) {
        r.put("rel_error", err);
        r.put("iterations", iterations);
        r.put("converged", converged);
        r.put("ms_per_iter", trace.meanMillis());
        r.put("median_ms_per_iter", trace.medianMillis());
        r.put("first_iter_ms", trace.size() == 0 ? 0.0 : trace.millis()[0]);
        r.put("total_ms", (System.nanoTime() - t0) / 1e6);
    }

    private static <M> IterationListener<M> bar(int maxIter) {
        return (it, err, ms, model) -> {
            int width = 30, done = (int) ((long) width * it / maxIter);
            System.err.printf(Locale.ROOT, "\r[%s%s] %d/%d  rel. error %.6g  %.1f ms", "#".repeat(done), " ".repeat(width - done),
                    it, maxIter, err, ms);
        };
    }

    private static void write(Tensor t, Path file) throws IOException {
        Npy.write(t, file);
    }

    private static int[] filled(int r, int n) {
        int[] a = new int[n];
        Arrays.fill(a, r);
        return a;
    }

    static int[] parseRanks(String s) {
        if (s == null) throw new Args.UsageException("--rank is required");
        String[] parts = s.split(",");
        int[] r = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                r[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--rank needs integers separated by commas, got '" + s + "'");
            }
            if (r[i] < 1) throw new Args.UsageException("--rank entries must be >= 1, got '" + s + "'");
        }
        return r;
    }

    private static double parseDouble(String name, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0) || Double.isInfinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--" + name + " needs a finite number >= 0, got '" + v + "'");
        }
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--" + name + " needs an integer, got '" + v + "'");
        }
    }
}
