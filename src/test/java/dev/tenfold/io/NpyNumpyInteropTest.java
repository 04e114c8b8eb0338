package dev.tenfold.io;

import static dev.tenfold.io.NpyTestSupport.elementsByIndex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips against real numpy ({@code /usr/bin/python3}, or {@code -Dtenfold.python=...}) in a
 * subprocess: files tenfold writes are loaded and checked by numpy, files numpy writes are read
 * and checked by tenfold, and header bytes are compared around the version 1.0 → 2.0 switch.
 * Reported as skipped (not passed) when no python with numpy is found.
 */
class NpyNumpyInteropTest {
    private static final String PYTHON = System.getProperty("tenfold.python", "/usr/bin/python3");
    private static boolean numpyPresent;

    @TempDir
    Path dir;

    @BeforeAll
    static void probeNumpy() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            numpyPresent = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            numpyPresent = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            numpyPresent = false;
        }
    }

    /** Runs a python script with {@link #dir} as its argument; returns stdout, failing on a non-zero exit. */
    private String python(String script) throws IOException, InterruptedException {
        assumeTrue(numpyPresent, PYTHON + " with numpy is not available");
        Path file = dir.resolve("script.py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(PYTHON, file.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), "python failed:\n" + out);
        return out;
    }

    private static String shapeText(int[] dims) {
        return dims.length == 0 ? "-" : Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    private static int[] parseShape(String s) {
        return s.equals("-") ? new int[0] : Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    /** Raw little-endian float32 bytes of the view's logical elements, written without the io package. */
    private void writeExpected(Tensor t, Path file) throws IOException {
        Files.write(file, NpyTestSupport.floatBytes(elementsByIndex(t), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void numpyLoadsWhatTenfoldWrites() throws Exception {
        assumeTrue(numpyPresent, PYTHON + " with numpy is not available");
        StringBuilder manifest = new StringBuilder();
        try (TensorScope scope = TensorScope.open()) {
            Map<String, Tensor> cases = new LinkedHashMap<>();
            cases.put("rank0", scope.scalar(-7.25f));
            cases.put("rank1", scope.normal(1, 0f, 1f, 17));
            cases.put("matrix", scope.uniform(2, -1e30f, 1e30f, 33, 65));
            cases.put("rank5", scope.normal(3, 0f, 3f, 2, 3, 1, 4, 5));
            cases.put("transposed", scope.normal(4, 0f, 1f, 6, 7, 8).permute(2, 0, 1));
            cases.put("strided", scope.arange(100).reshape(10, 10).slice(1, 1, 10, 3));
            cases.put("big", scope.normal(5, 0f, 1f, 300, 1001));
            cases.put("specials", scope.vector(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f,
                    Float.MIN_VALUE, Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00123)));
            for (var e : cases.entrySet()) {
                Npy.write(e.getValue(), dir.resolve(e.getKey() + ".npy"));
                writeExpected(e.getValue(), dir.resolve(e.getKey() + ".bin"));
                manifest.append("npy ").append(e.getKey()).append(".npy ").append(shapeText(e.getValue().dims()))
                        .append(' ').append(e.getKey()).append(".bin\n");
            }
            SequencedMap<String, Tensor> archive = new LinkedHashMap<>();
            archive.put("zeta", cases.get("transposed"));
            archive.put("alpha", cases.get("rank0"));
            archive.put("mid", cases.get("strided"));
            Npz.write(archive, dir.resolve("stored.npz"));
            Npz.writeCompressed(archive, dir.resolve("deflated.npz"));
            for (String npz : List.of("stored.npz", "deflated.npz")) {
                manifest.append("npz ").append(npz).append(' ').append(String.join(",", archive.keySet())).append('\n');
                for (var e : archive.entrySet()) {
                    manifest.append("arr ").append(npz).append(' ').append(e.getKey()).append(' ')
                            .append(shapeText(e.getValue().dims())).append(' ').append(e.getKey()).append(".zbin\n");
                    writeExpected(e.getValue(), dir.resolve(e.getKey() + ".zbin"));
                }
            }
        }
        Files.writeString(dir.resolve("manifest.txt"), manifest);
        String out = python("""
                import sys, os, numpy as np
                d = sys.argv[1]
                def shape(s): return () if s == '-' else tuple(int(x) for x in s.split('x'))
                def same(a, shp, binfile):
                    assert a.dtype == np.dtype('<f4'), a.dtype
                    assert a.shape == shp, (a.shape, shp)
                    exp = np.fromfile(os.path.join(d, binfile), dtype='<u4').reshape(shp)
                    assert np.array_equal(a.view('<u4'), exp), binfile
                n = 0
                archives = {}
                for line in open(os.path.join(d, 'manifest.txt')):
                    p = line.split()
                    if p[0] == 'npy':
                        same(np.load(os.path.join(d, p[1])), shape(p[2]), p[3]); n += 1
                    elif p[0] == 'npz':
                        z = np.load(os.path.join(d, p[1])); archives[p[1]] = z
                        assert list(z.keys()) == p[2].split(','), (list(z.keys()), p[2])
                    else:
                        same(archives[p[1]][p[2]], shape(p[3]), p[4]); n += 1
                print('OK', n)
                """);
        assertEquals("OK 14", out.strip());
    }

    @Test
    void tenfoldReadsWhatNumpyWrites() throws Exception {
        String out = python("""
                import sys, os, warnings, numpy as np
                warnings.simplefilter('ignore')
                d = sys.argv[1]
                rng = np.random.default_rng(1234)
                lines = []
                def sh(a): return '-' if a.ndim == 0 else 'x'.join(str(x) for x in a.shape)
                def add(name, a):
                    np.save(os.path.join(d, name + '.npy'), a)
                    np.asarray(a).astype('<f4').tofile(os.path.join(d, name + '.bin'))
                    lines.append('npy %s.npy %s %s.bin' % (name, sh(a), name))
                add('f4', rng.standard_normal((3, 4, 5)).astype('<f4'))
                add('f4_be_fortran', np.asfortranarray(rng.standard_normal((4, 3, 2)).astype('>f4')))
                add('f4_transposed', rng.standard_normal((5, 6)).astype('<f4').T)
                add('f8', rng.standard_normal((7, 9)) * 1e3)
                add('f8_be', (rng.standard_normal(33) * 1e-40).astype('>f8'))
                add('f8_extreme', np.array([1e-46, 1e39, -1e39, 3.4028235e38, 1.4e-45, np.pi, -0.0, np.inf, -np.inf]))
                add('f8_fortran_4d', np.asfortranarray(rng.standard_normal((2, 3, 4, 5))))
                add('i8', rng.integers(-2**63, 2**63 - 1, size=(5, 6), dtype=np.int64, endpoint=True))
                add('u8', rng.integers(0, 2**64 - 1, size=11, dtype=np.uint64, endpoint=True))
                add('i4_be', rng.integers(-2**31, 2**31, size=(3, 7)).astype('>i4'))
                add('u4', rng.integers(0, 2**32, size=(4, 4)).astype('<u4'))
                add('i2_be', rng.integers(-2**15, 2**15, size=(2, 3, 4)).astype('>i2'))
                add('u2', rng.integers(0, 2**16, size=9).astype('<u2'))
                add('i1', rng.integers(-128, 128, size=(3, 3)).astype('i1'))
                add('u1', rng.integers(0, 256, size=(3, 3)).astype('u1'))
                add('bool', rng.random((4, 5)) > 0.5)
                add('rank0', np.array(2.5))
                add('rank0_int', np.array(-3, dtype='<i2'))
                arrays = {'w': rng.standard_normal((3, 2)).astype('<f4'), 'a': np.arange(5), 'k': np.array(True)}
                np.savez(os.path.join(d, 's.npz'), **arrays)
                np.savez_compressed(os.path.join(d, 'c.npz'), **arrays)
                for f in ('s.npz', 'c.npz'):
                    lines.append('npz %s %s' % (f, ','.join(arrays)))
                    for k, a in arrays.items():
                        a.astype('<f4').tofile(os.path.join(d, k + '.zbin'))
                        lines.append('arr %s %s %s %s.zbin' % (f, k, sh(a), k))
                open(os.path.join(d, 'manifest.txt'), 'w').write('\\n'.join(lines) + '\\n')
                print('OK', len(lines))
                """);
        assertTrue(out.startsWith("OK"), out);
        int checked = 0;
        try (TensorScope scope = TensorScope.open()) {
            Map<String, Map<String, Tensor>> archives = new LinkedHashMap<>();
            for (String line : Files.readAllLines(dir.resolve("manifest.txt"))) {
                String[] p = line.split(" ");
                switch (p[0]) {
                    case "npy" -> {
                        check(Npy.read(scope, dir.resolve(p[1])), parseShape(p[2]), dir.resolve(p[3]), p[1]);
                        checked++;
                    }
                    case "npz" -> {
                        Map<String, Tensor> m = Npz.read(scope, dir.resolve(p[1]));
                        assertEquals(List.of(p[2].split(",")), new ArrayList<>(m.keySet()), p[1]);
                        archives.put(p[1], m);
                    }
                    default -> {
                        check(archives.get(p[1]).get(p[2]), parseShape(p[3]), dir.resolve(p[4]), p[1] + ":" + p[2]);
                        checked++;
                    }
                }
            }
        }
        assertEquals(24, checked);
    }

    /** Shape and elements (NaN matches NaN; everything else bit for bit) against numpy's own astype(float32). */
    private static void check(Tensor t, int[] dims, Path expectedBin, String what) throws IOException {
        assertArrayEquals(dims, t.dims(), what);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(expectedBin)).order(ByteOrder.LITTLE_ENDIAN);
        float[] actual = t.toArray();
        assertEquals(b.remaining() / 4, actual.length, what);
        for (int i = 0; i < actual.length; i++) {
            float e = b.getFloat();
            if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(actual[i]) && !(Float.isNaN(e) && Float.isNaN(actual[i]))) {
                fail(what + " element " + i + ": numpy " + e + ", tenfold " + actual[i]);
            }
        }
    }

    @Test
    void headerBytesMatchNumpyAroundTheVersion2Switch() throws Exception {
        int lo = 1;        // version 1.0 at rank lo
        int firstV2 = 1 << 16; // version 2.0 at rank firstV2 (each axis adds at least 3 header bytes)
        while (firstV2 - lo > 1) { // binary search: the version only grows with the rank
            int mid = (lo + firstV2) >>> 1;
            if (NpyHeaders.encodeFloat32(Shape.of(ones(mid)))[6] == 1) lo = mid; else firstV2 = mid;
        }
        List<int[]> shapes = new ArrayList<>();
        for (int r : new int[] {0, 1, 2, 3, 32, firstV2 - 2, firstV2 - 1, firstV2, firstV2 + 1}) shapes.add(ones(r));
        shapes.add(new int[] {123456789, 2});
        shapes.add(new int[] {Integer.MAX_VALUE});
        shapes.add(new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
        StringBuilder list = new StringBuilder();
        for (int[] s : shapes) list.append(shapeText(s)).append('\n');
        Files.writeString(dir.resolve("shapes.txt"), list);
        python("""
                import sys, os, io, warnings
                try:
                    from numpy.lib import _format_impl as format  # numpy >= 2
                except ImportError:
                    from numpy.lib import format                  # numpy 1.x
                warnings.simplefilter('ignore')
                d = sys.argv[1]
                for i, line in enumerate(open(os.path.join(d, 'shapes.txt'))):
                    s = line.strip()
                    shape = () if s == '-' else tuple(int(x) for x in s.split('x'))
                    buf = io.BytesIO()
                    format._write_array_header(buf, {'descr': '<f4', 'fortran_order': False, 'shape': shape})
                    open(os.path.join(d, 'h%d.bin' % i), 'wb').write(buf.getvalue())
                """);
        for (int i = 0; i < shapes.size(); i++) {
            byte[] numpy = Files.readAllBytes(dir.resolve("h" + i + ".bin"));
            assertArrayEquals(numpy, NpyHeaders.encodeFloat32(Shape.of(shapes.get(i))), "rank " + shapes.get(i).length);
        }
        assertEquals(2, Files.readAllBytes(dir.resolve("h" + 7 + ".bin"))[6], "numpy switched to version 2.0 at the same rank");
        assertEquals(1, Files.readAllBytes(dir.resolve("h" + 6 + ".bin"))[6]);
    }

    private static int[] ones(int rank) {
        int[] d = new int[rank];
        Arrays.fill(d, 1);
        return d;
    }
}
