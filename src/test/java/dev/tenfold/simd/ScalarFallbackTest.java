package dev.tenfold.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starts a child JVM <em>without</em> {@code --add-modules jdk.incubator.vector} on the test class
 * path and checks that tenfold falls back to the scalar kernels, computes correctly, and logs
 * exactly one warning that names the missing flag, however often {@link Kernels#get()} is called.
 */
class ScalarFallbackTest {
    private static final String WARNING = "Java Vector API is not enabled";

    @Test
    void withoutTheVectorModuleScalarKernelsRunAndOneWarningNamesTheFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", cp, Probe.class.getName()))
                .redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");  // could smuggle --add-modules in
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put("CLASSPATH", "");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), "child JVM output:\n" + out);
        assertTrue(out.contains("probe: kernels=scalar module=false ok"), out);
        assertEquals(1, count(out, WARNING), "exactly one fallback warning:\n" + out);
        assertTrue(out.contains("--add-modules jdk.incubator.vector"), "the warning names the flag:\n" + out);
        assertEquals(-1, out.indexOf("Using incubator modules"), "the child really ran without the module");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Child-JVM entry point: uses the kernels several times and checks a few results. */
    public static final class Probe {
        private Probe() { }

        public static void main(String[] args) {
            FloatKernels k = null;
            for (int i = 0; i < 3; i++) k = Kernels.get();
            boolean ok = k == Kernels.scalar();
            try (Arena arena = Arena.ofConfined()) {
                int n = 37;
                MemorySegment a = arena.allocate(4L * n), d = arena.allocate(4L * n);
                for (int i = 0; i < n; i++) a.setAtIndex(ValueLayout.JAVA_FLOAT, i, i - 18);
                k.unary(UnaryOp.RELU, 0, 0, a, 0, d, 0, n);
                ok &= d.getAtIndex(ValueLayout.JAVA_FLOAT, 0) == 0f && d.getAtIndex(ValueLayout.JAVA_FLOAT, 36) == 18f;
                ok &= k.sum(a, 0, n) == 0.0 && k.argmax(a, 0, n) == 36 && k.dot(a, 0, a, 0, n) == 4218.0;
            }
            System.out.println("probe: kernels=" + k.name() + " module=" + Kernels.vectorModulePresent() + (ok ? " ok" : " WRONG")
                    + " cp-entries=" + System.getProperty("java.class.path").split(File.pathSeparator).length);
            System.out.flush();
        }
    }
}
