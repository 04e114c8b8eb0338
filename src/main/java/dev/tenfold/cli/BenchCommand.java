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

    @Override public String summary() { return "benchmarks: add, dot (SIMD vs scalar, GB/s)"; }

    @Override
    public String usage() {
        return """
                usage: tenfold bench add|dot [--n N] [--no-scalar] [--seconds S] [--json]
                  add, dot   N floats (default 1048576) through the SIMD kernels and the scalar kernels;
                             prints GB/s and the SIMD/scalar ratio (single thread)
                  --seconds  measuring time per variant (default 1)
                  --json     one JSON object on stdout""";
    }

    @Override
    public int run(String[] argv, PrintStream out) {
        Args args = Args.parse(argv, Set.of("n", "seconds"), Set.of("json", "no-scalar"));
        if (args.positional().size() != 1) throw new Args.UsageException("name one workload");
        String what = args.positional().get(0);
        double seconds = Double.parseDouble(args.get("seconds", "1"));
        if (!(seconds > 0)) throw new Args.UsageException("--seconds must be > 0");
        Map<String, Object> r = switch (what) {
            case "add", "dot" -> ElementwiseBench.run(what, args.getPositiveInt("n", 1 << 20),
                    !args.flag("no-scalar"), seconds);
            default -> throw new Args.UsageException("unknown workload '" + what + "'");
        };
        if (args.flag("json")) {
            out.println(Json.object(r));
        } else {
            r.forEach((k, v) -> out.printf("%-18s %s%n", k, v instanceof Double d ? String.format("%.4g", d) : v));
        }
        return 0;
    }
}
