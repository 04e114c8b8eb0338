package dev.tenfold.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/**
 * {@code tenfold bench WORKLOAD [options]}: quick wall-clock benchmarks that print time and
 * throughput, or one JSON object with {@code --json} (fields include {@code name}, {@code ms}
 * = best time, {@code gflops}).
 */
final class BenchCommand implements Command {
    @Override public String name() { return "bench"; }

    @Override public String summary() { return "benchmarks: add, dot, gemm, einsum, conv, cp, ntf, tucker"; }

    @Override
    public String usage() {
        return """
                usage: tenfold bench add|dot [--n N] [--no-scalar] [--seconds S] [--json]
                       tenfold bench gemm --n N [--m M --k K] [--threads T] [--seconds S] [--json]
                       tenfold bench einsum --expr EXPR --shapes AxBxC,... [--threads T] [--path] [--json]
                       tenfold bench conv --dims N --batch B --in C --out T --size S --kernel K [--stride s]
                             [--padding p] [--rank R --factorization dense|cp|tucker
                             --form factorized|mobilenet|reconstructed] [--backward] [--threads T] [--json]
                       tenfold bench cp|ntf|tucker --size I | --shape AxB... --rank R [--iters N] [--seed S] [--threads T] [--json]
                  add, dot   N floats (default 1048576) through the SIMD kernels and the scalar kernels;
                             prints GB/s and the SIMD/scalar ratio (single thread)
                  gemm       C = A·B, A (M×K), B (K×N); M and K default to N; GFLOP/s = 2MNK/time
                  einsum     e.g. --expr bij,bjk->bik --shapes 64x128x128,64x128x128; --path prints the plan
                  conv       N-D conv on (B, C, S..S); padding defaults to K/2; --backward times forward +
                             all gradients; GFLOP/s counts the FLOPs of the form computed
                  cp, ntf, tucker  --size I --rank R [--iters N] [--seed S]: ms per ALS/HALS/HOOI iteration on an
                             I^3 rank-R tensor + 1% noise, or --shape 4000x2000 (order 2 to 8) instead of --size
                             (the arrays bench/peers/numpy_decomp.py --dump wrote to target/decomp-data when present)
                  --threads  GEMM threads (default: available processors)
                  --seconds  measuring time per variant (default 1)
                  --json     one JSON object on stdout""";
    }

    @Override
    public int run(String[] argv, PrintStream out) {
        Args args = Args.parse(argv, Set.of("n", "m", "k", "seconds", "threads", "expr", "shapes", "shape", "dims",
                "batch", "in", "out", "size", "kernel", "stride", "padding", "rank", "factorization", "form",
                "iters", "seed"),
                Set.of("json", "no-scalar", "path", "backward"));
        if (args.positional().size() != 1) throw new Args.UsageException("name one workload");
        String what = args.positional().get(0);
        double seconds = Double.parseDouble(args.get("seconds", "1"));
        if (!(seconds > 0)) throw new Args.UsageException("--seconds must be > 0");
        Map<String, Object> r = switch (what) {
            case "add", "dot" -> ElementwiseBench.run(what, args.getPositiveInt("n", 1 << 20),
                    !args.flag("no-scalar"), seconds);
            case "gemm" -> {
                int n = args.getPositiveInt("n", 1024);
                yield GemmBench.run(args.getPositiveInt("m", n), n, args.getPositiveInt("k", n),
                        args.getPositiveInt("threads", Runtime.getRuntime().availableProcessors()), seconds);
            }
            case "einsum" -> {
                String expr = args.get("expr", null);
                String shapes = args.get("shapes", null);
                if (expr == null || shapes == null) throw new Args.UsageException("einsum needs --expr and --shapes");
                yield EinsumBench.run(expr, shapes,
                        args.getPositiveInt("threads", Runtime.getRuntime().availableProcessors()), seconds,
                        args.flag("path") && !args.flag("json"), out);
            }
            case "conv" -> {
                int kernel = args.getPositiveInt("kernel", 3);
                String fact = args.get("factorization", args.get("rank", null) == null ? "dense" : "cp");
                String form = args.get("form", "factorized");
                if (!form.equals("factorized") && !form.equals("mobilenet") && !form.equals("reconstructed")) {
                    throw new Args.UsageException("--form must be factorized, mobilenet or reconstructed, got '" + form + "'");
                }
                yield ConvBench.run(new ConvBench.Config(args.getPositiveInt("dims", 2), args.getPositiveInt("batch", 8),
                        args.getPositiveInt("in", 64), args.getPositiveInt("out", 64), args.getPositiveInt("size", 56),
                        kernel, args.getPositiveInt("stride", 1), args.getInt("padding", kernel / 2),
                        args.getPositiveInt("rank", 32), fact, form, args.flag("backward"),
                        args.getPositiveInt("threads", Runtime.getRuntime().availableProcessors())), seconds);
            }
            case "cp", "ntf", "tucker" -> DecompositionBench.run(what, decompositionShape(args),
                    args.getPositiveInt("rank", 10), args.getPositiveInt("iters", 20), args.getInt("seed", 0),
                    args.getPositiveInt("threads", Runtime.getRuntime().availableProcessors()));
            default -> throw new Args.UsageException("unknown workload '" + what + "'");
        };
        if (args.flag("json")) {
            out.println(Json.object(r));
        } else {
            r.forEach((k, v) -> out.printf("%-18s %s%n", k, v instanceof Double d ? String.format("%.4g", d) : v));
        }
        return 0;
    }

    /** --shape AxBx… (order 2 to 8), else a --size³ cube (default 100). */
    private static int[] decompositionShape(Args args) {
        String spec = args.get("shape", null);
        if (spec == null) {
            int size = args.getPositiveInt("size", 100);
            return new int[] {size, size, size};
        }
        String usage = "--shape must be one shape of 2 to 8 positive sizes, like 4000x2000, got '" + spec + "'";
        int[] dims;
        try {
            dims = EinsumBench.parseShapes(spec)[0].dims();
        } catch (Args.UsageException e) {
            throw new Args.UsageException(usage);
        }
        if (spec.contains(",") || dims.length < 2 || dims.length > 8) throw new Args.UsageException(usage);
        return dims;
    }
}
