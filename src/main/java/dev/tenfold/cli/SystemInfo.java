package dev.tenfold.cli;

import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the running JVM and CPU, for {@code tenfold info} and benchmark reports. */
final class SystemInfo {
    private SystemInfo() { }

    static Map<String, Object> collect() {
        FloatKernels k = Kernels.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", Runtime.version().toString());
        m.put("vm", System.getProperty("java.vm.name") + " (" + System.getProperty("java.vendor") + ")");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("simd_provider", k.name().startsWith("panama") ? "Vector API" : "scalar");
        m.put("kernels", k.name());
        m.put("vector_bits", k.vectorBitSize());
        m.put("vector_module", Kernels.vectorModulePresent());
        String flags = cpuFlags();
        m.put("fma", flags == null ? "unknown" : Boolean.toString(flags.contains(" fma ")));
        m.put("avx512f", flags == null ? "unknown" : Boolean.toString(flags.contains(" avx512f ")));
        m.put("threads", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        return m;
    }

    /** The CPU flags line of /proc/cpuinfo padded with spaces, or null when unavailable. */
    static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return " " + line.substring(line.indexOf(':') + 1).trim() + " ";
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
