package dev.tenfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.TensorScope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CliTest {
    private record Result(int code, String out, String err) { }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void infoJsonNamesProviderAndWidth() {
        Result r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().trim().startsWith("{") && r.out().contains("\"simd_provider\""), r.out());
        assertTrue(r.out().contains("\"vector_bits\"") && r.out().contains("\"threads\""), r.out());
    }

    @Test
    void benchAddPrintsOneJsonObjectWithTheRequiredFields() {
        Result r = run("bench", "add", "--n", "1000", "--seconds", "0.05", "--json");
        assertEquals(0, r.code(), r.err());
        String json = r.out().trim();
        assertEquals(1, json.lines().count(), json);
        for (String f : new String[] {"\"name\": \"add\"", "\"ms\":", "\"gflops\":", "\"gbps\":", "\"simd_over_scalar\":"}) {
            assertTrue(json.contains(f), f + " missing in " + json);
        }
    }

    @Test
    void fileErrorsSayWhatIsWrongWithWhichPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String missing = dir.resolve("missing.npy").toString();
        Result r = run("decompose", "--method", "cp", "--rank", "2", missing, dir.resolve("out").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("no such file or directory: " + missing), r.err());
        r = run("compress", "--factorization", "cp", "--rank", "2", missing, dir.resolve("out").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("no such file or directory: " + missing), r.err());

        // an output "directory" that is a file
        java.nio.file.Path input = dir.resolve("x.npy"), file = dir.resolve("taken");
        java.nio.file.Files.writeString(file, "not a directory");
        try (TensorScope s = TensorScope.open()) {
            dev.tenfold.io.Npy.write(s.normal(1, 0f, 1f, 4, 5, 6), input);
        }
        r = run("decompose", "--method", "cp", "--rank", "2", "--max-iter", "2", input.toString(), file.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(file.toString()) && r.err().contains("not a directory"), r.err());
    }

    @Test
    void demoRunsAndLeaksNothing() {
        long before = TensorScope.liveBytes();
        Result r = run("demo", "--quick");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fold(unfold(x, 1)) == x: true"), r.out());
        assertTrue(r.out().contains("live off-heap bytes after the scope closed: 0"), r.out());
        assertEquals(before, TensorScope.liveBytes());
    }

    @Test
    void compressWritesCpFactorsAndReportsErrorParamsAndFlops(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (TensorScope s = TensorScope.open()) {
            dev.tenfold.conv.ConvSpec spec = dev.tenfold.conv.ConvSpec.builder(4, 5, 3).build();
            dev.tenfold.io.Npy.write(dev.tenfold.conv.CpConvWeights.random(s, spec, 2, 3).reconstruct(),
                    dir.resolve("k.npy"));
        }
        Result r = run("compress", "--factorization", "cp", "--rank", "2", dir.resolve("k.npy").toString(),
                dir.resolve("out").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"\"rel_error\":", "\"params\": 26", "\"dense_params\": 60", "\"flop_ratio\":"}) {
            assertTrue(r.out().contains(f), f + " missing in " + r.out());
        }
        for (String f : new String[] {"weights.npy", "factor_T.npy", "factor_C.npy", "factor_K0.npy"}) {
            assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("out").resolve(f)), f);
        }
        assertEquals(2, run("compress", "--rank", "0", dir.resolve("k.npy").toString(), dir.resolve("o2").toString()).code());
    }

    @Test
    void usageErrorsExitWithCode2AndSayWhatIsWrong() {
        Result unknown = run("frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"), unknown.err());
        Result badOpt = run("bench", "add", "--bogus", "3");
        assertEquals(2, badOpt.code());
        assertTrue(badOpt.err().contains("unknown option --bogus"), badOpt.err());
        Result badInt = run("bench", "add", "--n", "many");
        assertEquals(2, badInt.code());
        assertTrue(badInt.err().contains("--n needs an integer, got 'many'"), badInt.err());
        Result zero = run("bench", "add", "--n", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--n must be >= 1"), zero.err());
        assertEquals(2, run().code());
        assertEquals(0, run("help", "bench").code());
    }
}
