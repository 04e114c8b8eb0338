package dev.tenfold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.decomp.CpTensor;
import dev.tenfold.io.Npy;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecomposeCommandTest {

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new DecomposeCommand().run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void cpNtfAndTuckerWriteTheirFactorsAndReport(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("x.npy");
        try (TensorScope scope = TensorScope.open()) {
            Npy.write(CpTensor.random(scope, 3, 2, 8, 7, 6).toTensor(), in);
        }
        String json = run("--method", "cp", "--rank", "2", "--max-iter", "50", "--threads", "1", "--json", in.toString(),
                dir.resolve("cp").toString()).trim();
        assertEquals(1, json.lines().count(), json);
        for (String f : new String[] {"\"rel_error\":", "\"iterations\":", "\"ms_per_iter\":", "\"median_ms_per_iter\":", "\"first_iter_ms\":", "\"method\": \"cp\""}) {
            assertTrue(json.contains(f), f + " missing in " + json);
        }
        for (String f : new String[] {"weights.npy", "factor_0.npy", "factor_1.npy", "factor_2.npy"}) {
            assertTrue(Files.isRegularFile(dir.resolve("cp").resolve(f)), f);
        }
        try (TensorScope scope = TensorScope.open()) {
            Tensor u1 = Npy.read(scope, dir.resolve("cp").resolve("factor_1.npy"));
            assertArrayEquals(new int[] {7, 2}, u1.dims());
        }
        String text = run("--method", "tucker", "--rank", "2,3,2", "--init", "random", "--seed", "4", in.toString(),
                dir.resolve("tucker").toString());
        assertTrue(text.contains("relative error") && text.contains("ms per iteration") && text.contains("(median "), text);
        try (TensorScope scope = TensorScope.open()) {
            assertArrayEquals(new int[] {2, 3, 2}, Npy.read(scope, dir.resolve("tucker").resolve("core.npy")).dims());
            assertArrayEquals(new int[] {7, 3}, Npy.read(scope, dir.resolve("tucker").resolve("factor_1.npy")).dims());
        }
        String ntf = run("--method", "ntf", "--rank", "2", "--tol", "0", "--max-iter", "5", "--json", in.toString(),
                dir.resolve("ntf").toString());
        assertTrue(ntf.contains("\"iterations\": 5"), ntf);
    }

    @Test
    void usageErrors(@TempDir Path dir) {
        String in = dir.resolve("x.npy").toString(), out = dir.toString();
        DecomposeCommand c = new DecomposeCommand();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--rank", "2", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "pca", "--rank", "2", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "cp", "--rank", "2,2", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "cp", "--rank", "0", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "cp", "--rank", "x", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "cp", "--rank", "2", "--init", "nope", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "cp", "--rank", "2", "--tol", "-1", in, out}, sink));
        assertThrows(Args.UsageException.class, () -> c.run(new String[] {"--method", "cp", "--rank", "2", in}, sink));
    }

    @Test
    void demoAndBenchRun() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long before = TensorScope.liveBytes();
        DecompositionDemo.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("CP-ALS rank 5") && text.contains("Tucker HOOI"), text);
        assertEquals(before, TensorScope.liveBytes());
        for (String m : new String[] {"cp", "ntf", "tucker"}) {
            for (int[] dims : new int[][] {{12, 12, 12}, {30, 20}, {6, 5, 4, 3}}) {
                Map<String, Object> r = DecompositionBench.run(m, dims, 3, 4, 0, 1);
                for (String f : new String[] {"name", "ms", "rel_error", "iterations", "warmup_s", "warmup_fits"}) assertTrue(r.containsKey(f), f + " in " + r);
                assertEquals(4, r.get("iterations"));
                assertTrue((Double) r.get("rel_error") < 1);
                String want = dims.length == 3 ? "12^3" : dims.length == 2 ? "30x20" : "6x5x4x3";
                assertEquals(m + " " + want + " rank 3", r.get("name"));
            }
        }
        assertEquals(before, TensorScope.liveBytes());
    }
}
