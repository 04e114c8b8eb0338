package dev.tenfold.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** {@code tenfold info}: JDK, SIMD provider, vector width, FMA, threads. */
final class InfoCommand implements Command {
    @Override public String name() { return "info"; }

    @Override public String summary() { return "JDK version, SIMD provider, vector width, FMA, threads"; }

    @Override public String usage() { return "usage: tenfold info [--json]"; }

    @Override
    public int run(String[] argv, PrintStream out) {
        Args args = Args.parse(argv, Set.of(), Set.of("json"));
        Map<String, Object> info = SystemInfo.collect();
        if (args.flag("json")) {
            out.println(Json.object(info));
        } else {
            info.forEach((k, v) -> out.printf("%-14s %s%n", k, v));
        }
        return 0;
    }
}
