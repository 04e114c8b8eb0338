package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link DenseConv#forward} against PyTorch's {@code conv1d/2d/3d} (an independent
 * implementation) on random small configurations. Values travel as text over the stdin/stdout
 * of one {@code /usr/bin/python3} process. Skipped when {@code python3 -c "import torch"} fails.
 */
class DenseConvTorchTest {
    private static final String PYTHON = "/usr/bin/python3";

    private static final String SCRIPT = """
            import sys, torch
            import torch.nn.functional as F
            torch.set_num_threads(1)
            it = iter(sys.stdin.read().split('\\n'))
            out = []
            for _ in range(int(next(it))):
                h = [int(v) for v in next(it).split()]
                n, B, C, T, groups, hasb, same = h[:7]
                D, K, S, Dl, P = (h[7 + i * n: 7 + (i + 1) * n] for i in range(5))
                vals = lambda: torch.tensor([float(v) for v in next(it).split()], dtype=torch.float32)
                x = vals().reshape(B, C, *D)
                w = vals().reshape(T, C // groups, *K)
                bl = vals()
                b = bl if hasb else None
                f = [None, F.conv1d, F.conv2d, F.conv3d][n]
                with torch.no_grad():
                    y = f(x, w, b, stride=tuple(S), padding='same' if same else tuple(P), dilation=tuple(Dl), groups=groups)
                out.append(' '.join(repr(v) for v in y.reshape(-1).tolist()))
            print('\\n'.join(out))
            """;

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void forwardMatchesPyTorch() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " not found");
        List<DenseConvCase> cases = new ArrayList<>();
        qt().withExamples(40).forAll(DenseConvCase.cases(3)).checkAssert(cases::add);
        cases.add(new DenseConvCase(ConvSpec.builder(6, 4, 4, 2).paddingSame().dilation(2, 1).groups(2).bias(true).build(),
                dev.tenfold.tensor.Shape.of(2, 6, 7, 5), -1, false, 11));
        cases.add(new DenseConvCase(ConvSpec.builder(3, 5, 2, 3, 2).stride(2, 1, 3).padding(1, 0, 2).bias(true).build(),
                dev.tenfold.tensor.Shape.of(1, 3, 5, 4, 6), -1, true, 12));
        try (TensorScope scope = TensorScope.open()) {
            StringBuilder in = new StringBuilder().append(cases.size()).append('\n');
            List<Tensor> expectedFromUs = new ArrayList<>();
            for (DenseConvCase c : cases) {
                Tensor x = c.x(scope);
                Tensor w = c.w(scope);
                Tensor b = c.b(scope);
                expectedFromUs.add(DenseConv.forward(c.spec(), x, w, b));
                appendCase(in, c, x, w, b);
            }
            List<String> lines = runPython(in.toString());
            assertEquals(cases.size(), lines.size(), "python returned " + lines.size() + " results");
            for (int i = 0; i < cases.size(); i++) {
                String[] tok = lines.get(i).trim().split(" ");
                float[] v = new float[tok.length];
                for (int j = 0; j < tok.length; j++) v[j] = Float.parseFloat(tok[j]);
                Tensor torch = scope.fromArray(v, cases.get(i).outputShape().dims());
                DenseConvProperties.assertClose("forward vs torch", torch, expectedFromUs.get(i), cases.get(i));
            }
        }
    }

    private static void appendCase(StringBuilder sb, DenseConvCase c, Tensor x, Tensor w, Tensor b) {
        ConvSpec s = c.spec();
        int n = s.spatialDims();
        boolean same = isSame(s); // ConvSpec pads asymmetrically only for 'same'
        sb.append(n).append(' ').append(c.input().dim(0)).append(' ').append(s.inChannels()).append(' ')
                .append(s.outChannels()).append(' ').append(s.groups()).append(' ').append(s.hasBias() ? 1 : 0)
                .append(' ').append(same ? 1 : 0);
        for (int j = 0; j < n; j++) sb.append(' ').append(c.input().dim(2 + j));
        for (int[] per : new int[][] {s.kernel(), s.stride(), s.dilation(), s.padBefore()}) {
            for (int v : per) sb.append(' ').append(v);
        }
        sb.append('\n');
        appendValues(sb, x.toArray());
        appendValues(sb, w.toArray());
        appendValues(sb, b == null ? new float[] {0f} : b.toArray());
    }

    /** True when the spec's padding equals what 'same' would give (then torch's 'same' is used; stride is 1). */
    private static boolean isSame(ConvSpec s) {
        for (int j = 0; j < s.spatialDims(); j++) {
            if (s.stride()[j] != 1) return false;
            int total = s.dilation()[j] * (s.kernel()[j] - 1);
            if (s.padBefore()[j] != total / 2 || s.padAfter()[j] != total - total / 2) return false;
        }
        return true;
    }

    private static void appendValues(StringBuilder sb, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(Float.toString(v[i]));
        }
        sb.append('\n');
    }

    /** Python reads all of stdin before it prints, so writing first and then reading cannot deadlock. */
    private static List<String> runPython(String input) throws IOException, InterruptedException {
        Path errFile = Files.createTempFile("tenfold-torch", ".err");
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectError(errFile.toFile()).start();
            try (OutputStream os = p.getOutputStream()) {
                os.write(input.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException earlyExit) {
                // python stopped reading (e.g. import failed): its exit code below says why
            }
            String out;
            try (InputStream is = p.getInputStream()) {
                out = new String(is.readAllBytes(), StandardCharsets.US_ASCII);
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                Assumptions.assumeTrue(torchAvailable(), PYTHON + " cannot import torch");
                throw new AssertionError("python failed: " + Files.readString(errFile));
            }
            return out.lines().toList();
        } finally {
            Files.deleteIfExists(errFile);
        }
    }
}
