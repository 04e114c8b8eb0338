package dev.tenfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM started without --add-modules jdk.incubator.vector runs the scalar kernels and warns once. */
class NoVectorModuleTest {
    @Test
    void scalarFallbackWithExactlyOneWarningNamingTheFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(List.of(java, "-cp", cp, "dev.tenfold.cli.Main", "bench", "add",
                "--n", "4099", "--seconds", "0.05", "--json")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("\"kernels\": \"scalar\""), out);
        long warnings = err.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count();
        assertEquals(1, warnings, err);
        assertTrue(err.lines().noneMatch(l -> l.contains("Using incubator modules")), err);
    }
}
