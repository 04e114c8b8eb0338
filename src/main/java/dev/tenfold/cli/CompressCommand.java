package dev.tenfold.cli;

import dev.tenfold.conv.ConvSpec;
import dev.tenfold.conv.KernelCompression;
import dev.tenfold.io.Npy;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code tenfold compress}: a dense conv kernel (.npy, PyTorch layout (T, C, K…)) into CP or
 * Tucker conv factors; prints relative reconstruction error, parameters and FLOPs (per output
 * position and batch item) before and after.
 */
final class CompressCommand implements Command {
    @Override public String name() { return "compress"; }

    @Override public String summary() { return "compress a dense conv kernel (.npy) into CP or Tucker factors"; }

    @Override
    public String usage() {
        return """
                usage: tenfold compress --factorization cp|tucker --rank R KERNEL.npy OUT_DIR [--bias BIAS.npy]
                                        [--seed S] [--json]
                  --rank   an integer (CP rank; Tucker R_T = R_C = R) or a fraction in (0, 1) of the dense
                           parameter count (e.g. 0.1), from which the largest fitting rank is chosen
                  writes CP: weights.npy factor_T.npy factor_C.npy factor_K0.npy ...; Tucker: core.npy
                  factor_T.npy factor_C.npy (and bias.npy when --bias is given)""";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("factorization", "rank", "bias", "seed"), Set.of("json"));
        if (args.positional().size() != 2) throw new Args.UsageException("give KERNEL.npy and OUT_DIR");
        String fact = args.get("factorization", "cp");
        if (!fact.equals("cp") && !fact.equals("tucker")) {
            throw new Args.UsageException("--factorization must be cp or tucker, got '" + fact + "'");
        }
        String rankArg = args.get("rank", null);
        if (rankArg == null) throw new Args.UsageException("--rank is required (an integer or a fraction like 0.1)");
        Path in = Path.of(args.positional().get(0));
        Path outDir = Path.of(args.positional().get(1));
        long seed = args.getInt("seed", 0);
        try (TensorScope scope = TensorScope.open()) {
            Tensor kernel = Npy.read(scope, in);
            Tensor bias = args.get("bias", null) == null ? null : Npy.read(scope, Path.of(args.get("bias", null)));
            ConvSpec spec = KernelCompression.specOf(kernel, bias != null);
            int rank = parseRank(rankArg, spec, fact);
            long t0 = System.nanoTime();
            KernelCompression.Result r = fact.equals("cp")
                    ? KernelCompression.cp(kernel, bias, rank, seed)
                    : KernelCompression.tucker(kernel, bias, rank, rank, seed);
            double ms = (System.nanoTime() - t0) / 1e6;
            Files.createDirectories(outDir);
            if (r.cp() != null) {
                Npy.write(r.cp().lambda(), outDir.resolve("weights.npy"));
                Npy.write(r.cp().uT(), outDir.resolve("factor_T.npy"));
                Npy.write(r.cp().uC(), outDir.resolve("factor_C.npy"));
                for (int n = 0; n < r.cp().uK().size(); n++) Npy.write(r.cp().uK().get(n), outDir.resolve("factor_K" + n + ".npy"));
            } else {
                Npy.write(r.tucker().core(), outDir.resolve("core.npy"));
                Npy.write(r.tucker().uT(), outDir.resolve("factor_T.npy"));
                Npy.write(r.tucker().uC(), outDir.resolve("factor_C.npy"));
            }
            if (bias != null) Npy.write(bias, outDir.resolve("bias.npy"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("factorization", fact);
            m.put("kernel", kernel.shape().toString());
            m.put("rank", rank);
            m.put("rel_error", r.relError());
            m.put("dense_params", r.denseParams());
            m.put("params", r.params());
            m.put("param_ratio", (double) r.denseParams() / r.params());
            m.put("dense_flops_per_position", r.denseFlopsPerPosition());
            m.put("flops_per_position", r.flopsPerPosition());
            m.put("flop_ratio", r.denseFlopsPerPosition() / r.flopsPerPosition());
            m.put("ms", ms);
            m.put("out", outDir.toString());
            if (args.flag("json")) {
                out.println(Json.object(m));
            } else {
                m.forEach((k, v) -> out.printf("%-26s %s%n", k, v instanceof Double d ? String.format("%.6g", d) : v));
            }
        }
        return 0;
    }

    private static int parseRank(String s, ConvSpec spec, String fact) {
        try {
            if (s.contains(".")) {
                double f = Double.parseDouble(s);
                return fact.equals("cp") ? KernelCompression.cpRankFor(spec, f) : KernelCompression.tuckerRankFor(spec, f);
            }
            int r = Integer.parseInt(s);
            if (r < 1) throw new Args.UsageException("--rank must be >= 1, got " + r);
            return r;
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--rank needs an integer or a fraction like 0.1, got '" + s + "'");
        }
    }
}
