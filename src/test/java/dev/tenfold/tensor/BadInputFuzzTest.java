package dev.tenfold.tensor;

import static dev.tenfold.tensor.TensorOracles.randomDims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of bad calls: every one must throw exactly {@link IllegalArgumentException}
 * (argument errors) or {@link IllegalStateException} (use after close) with a message that names
 * the offending shape or argument, never any other throwable, and off-heap memory must return to
 * its starting level after every scope closes.
 */
class BadInputFuzzTest {
    private static final int CALLS = 1500;

    /** A call that must fail: the exception type and the words its message must contain. */
    private record Bad(String category, String description, Class<? extends RuntimeException> type, Runnable call,
                       List<List<String>> mentions) { }

    /** Each inner list is a set of alternatives; every inner list must have one match. */
    private static List<List<String>> mentions(String... allOf) {
        return Arrays.stream(allOf).map(s -> List.of(s.split("\\|"))).toList();
    }

    private static Bad iae(String cat, String desc, Runnable call, String... mentions) {
        return new Bad(cat, desc, IllegalArgumentException.class, call, mentions(mentions));
    }

    @Test
    void randomBadCallsThrowTheRightExceptionAndLeakNothing() {
        SplittableRandom r = new SplittableRandom(0x7E4F01DL);
        long start = TensorScope.liveBytes();
        TreeMap<String, Integer> counts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            long before = TensorScope.liveBytes();
            Bad bad;
            try (TensorScope scope = TensorScope.open()) {
                bad = randomBadCall(r, scope);
                Throwable thrown = null;
                try {
                    bad.call.run();
                } catch (Throwable t) {
                    thrown = t;
                }
                String what = "#" + i + " " + bad.category + ": " + bad.description;
                if (thrown == null) {
                    problems.add(what + " did not throw");
                } else if (thrown.getClass() != bad.type) {
                    problems.add(what + " threw " + thrown + ", want " + bad.type.getSimpleName());
                } else {
                    String msg = String.valueOf(thrown.getMessage());
                    for (List<String> anyOf : bad.mentions) {
                        if (anyOf.stream().noneMatch(msg::contains)) {
                            problems.add(what + ": message \"" + msg + "\" mentions none of " + anyOf);
                        }
                    }
                }
            }
            assertEquals(before, TensorScope.liveBytes(), "off-heap bytes after closing the scope of " + bad.description);
            counts.merge(bad.category, 1, Integer::sum);
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " bad calls misbehaved, e.g.:\n" + String.join("\n", problems.subList(0, Math.min(25, problems.size()))));
        }
        assertEquals(start, TensorScope.liveBytes());
        assertEquals(11, counts.size(), "every category was exercised: " + counts);
        counts.values().forEach(c -> assertTrue(c >= 50, "at least 50 calls per category: " + counts));
    }

    private static int[] dimsAtLeastRank(SplittableRandom r, int minRank) {
        int[] d;
        do {
            d = randomDims(r, 4, 500);
        } while (d.length < minRank);
        return d;
    }

    /** Dims that are not broadcast-compatible with {@code a} (one axis of size > 1 differs). */
    private static int[][] incompatiblePair(SplittableRandom r) {
        int[] a = dimsAtLeastRank(r, 1);
        int ax = r.nextInt(a.length);
        if (a[ax] == 1) a[ax] = 2 + r.nextInt(4);
        int[] b = Arrays.copyOfRange(a, r.nextInt(ax + 1), a.length);
        int bAx = b.length - (a.length - ax);
        b[bAx] = a[ax] + 1 + r.nextInt(3);
        return r.nextBoolean() ? new int[][] {a, b} : new int[][] {b, a};
    }

    private static Bad randomBadCall(SplittableRandom r, TensorScope s) {
        int category = r.nextInt(12);
        switch (category) {
            case 0 -> { // mismatched shapes
                int[][] p = incompatiblePair(r);
                Tensor a = s.zeros(p[0]);
                Tensor b = s.ones(p[1]);
                String sa = a.shape().toString(), sb = b.shape().toString();
                return switch (r.nextInt(9)) {
                    case 0 -> iae("shapes", "add " + sa + " " + sb, () -> a.add(b), sa, sb);
                    case 1 -> iae("shapes", "div " + sa + " " + sb, () -> a.div(b), sa, sb);
                    case 2 -> iae("shapes", "maximum " + sa + " " + sb, () -> a.maximum(b), sa, sb);
                    case 3 -> iae("shapes", "subInPlace " + sa + " " + sb, () -> a.subInPlace(b), sa, sb);
                    case 4 -> iae("shapes", "axpyInPlace " + sa + " " + sb, () -> a.axpyInPlace(2f, b), sa, sb);
                    case 5 -> iae("shapes", "copyFrom " + sa + " " + sb, () -> a.copyFrom(b), sa, sb);
                    case 6 -> iae("shapes", "dot " + sa + " " + sb, () -> a.dot(b), sa, sb);
                    case 7 -> {
                        Tensor c = r.nextBoolean() ? b : s.zeros(a.dims()).unsqueeze(0); // incompatible or broadcastable
                        yield iae("shapes", "allClose " + sa + " " + c.shape(), () -> a.allClose(c), sa, c.shape().toString());
                    }
                    default -> { // broadcastable, but the in-place target is too small
                        int[] big = a.dims();
                        int ax = r.nextInt(big.length);
                        int[] small = big.clone();
                        small[ax] = 1;
                        big[ax] = Math.max(2, big[ax]);
                        Tensor t = s.zeros(small);
                        Tensor o = s.zeros(big);
                        yield iae("shapes", "mulInPlace " + t.shape() + " " + o.shape(), () -> t.mulInPlace(o),
                                t.shape().toString(), o.shape().toString());
                    }
                };
            }
            case 1 -> { // illegal dims
                if (r.nextInt(8) == 0) { // valid dims whose byte count overflows a long
                    int[] huge = {Integer.MAX_VALUE, Integer.MAX_VALUE - r.nextInt(1000)}; // > 2^61 elements
                    String hs = Shape.of(huge).toString();
                    return iae("dims", "zeros" + hs, () -> s.zeros(huge), hs);
                }
                int[] d = dimsAtLeastRank(r, 1);
                d[r.nextInt(d.length)] = -r.nextInt(4); // 0 or negative
                String ds = Arrays.toString(d);
                return switch (r.nextInt(6)) {
                    case 0 -> iae("dims", "zeros" + ds, () -> s.zeros(d), ds);
                    case 1 -> iae("dims", "full" + ds, () -> s.full(3f, d), ds);
                    case 2 -> iae("dims", "uniform" + ds, () -> s.uniform(1, 0f, 1f, d), ds);
                    case 3 -> iae("dims", "normal" + ds, () -> s.normal(1, 0f, 1f, d), ds);
                    case 4 -> iae("dims", "Shape.of" + ds, () -> Shape.of(d), ds);
                    default -> iae("dims", "fromArray" + ds, () -> s.fromArray(new float[4], d), ds);
                };
            }
            case 2 -> { // axis out of range
                int[] d = randomDims(r, 4, 500);
                Tensor t = s.zeros(d);
                int rank = d.length;
                int bad = r.nextBoolean() ? rank + r.nextInt(3) : -rank - 1 - r.nextInt(3);
                String sh = t.shape().toString();
                return switch (r.nextInt(10)) {
                    case 0 -> iae("axis", "dim(" + bad + ") of " + sh, () -> t.dim(bad), sh);
                    case 1 -> iae("axis", "sum axis " + bad + " of " + sh, () -> t.sum(true, bad), sh);
                    case 2 -> iae("axis", "mean axis " + bad + " of " + sh, () -> t.mean(false, 0, bad), sh);
                    case 3 -> iae("axis", "max(" + bad + ") of " + sh, () -> t.max(bad), sh);
                    case 4 -> iae("axis", "argmax(" + bad + ") of " + sh, () -> t.argmax(bad), sh);
                    case 5 -> iae("axis", "slice axis " + bad + " of " + sh, () -> t.slice(bad, 0, 1, 1), sh);
                    case 6 -> iae("axis", "squeeze(" + bad + ") of " + sh, () -> t.squeeze(bad), sh);
                    case 7 -> iae("axis", "transpose(0, " + bad + ") of " + sh, () -> t.transpose(0, bad), sh);
                    case 8 -> iae("axis", "unfold(" + bad + ") of " + sh, () -> t.unfold(bad), sh);
                    default -> {
                        int ub = bad >= 0 ? rank + 1 + r.nextInt(3) : -rank - 2 - r.nextInt(3);
                        yield iae("axis", "unsqueeze(" + ub + ") of " + sh, () -> t.unsqueeze(ub), sh);
                    }
                };
            }
            case 3 -> { // bad permutation
                int[] d = dimsAtLeastRank(r, 1);
                Tensor t = s.zeros(d);
                int rank = d.length;
                int[] perm = TensorOracles.randomPerm(r, rank);
                switch (r.nextInt(3)) {
                    case 0 -> perm = Arrays.copyOf(perm, rank == 1 || r.nextBoolean() ? rank + 1 + r.nextInt(2) : rank - 1);
                    case 1 -> { // a repeated axis
                        if (rank == 1) {
                            perm = new int[] {0, 0};
                        } else {
                            int i = r.nextInt(rank);
                            perm[i] = perm[(i + 1 + r.nextInt(rank - 1)) % rank];
                        }
                    }
                    default -> perm[r.nextInt(rank)] = r.nextBoolean() ? rank + r.nextInt(3) : -rank - 1;
                }
                if (perm.length == rank && isPermutation(perm)) throw new AssertionError("generated a valid perm");
                int[] fp = perm;
                String ps = Arrays.toString(fp);
                return iae("perm", "permute" + ps + " of " + t.shape(), () -> t.permute(fp), "perm", ps + "|" + t.shape());
            }
            case 4 -> { // bad reshape / view
                int[] d = randomDims(r, 4, 500);
                Tensor t = s.zeros(d);
                long size = t.size();
                int[] target = switch (r.nextInt(4)) {
                    case 0 -> new int[] {(int) size + 1 + r.nextInt(3)};
                    case 1 -> new int[] {-1, -1};
                    case 2 -> new int[] {(int) size, 0};
                    default -> new int[] {-1, (int) size + 1};
                };
                String ts = Arrays.toString(target);
                if (r.nextBoolean()) return iae("reshape", "reshape" + ts + " of " + t.shape(), () -> t.reshape(target), ts);
                return iae("reshape", "view" + ts + " of " + t.shape(), () -> t.view(target), ts);
            }
            case 5 -> { // bad slice / narrow / select
                int[] d = dimsAtLeastRank(r, 1);
                Tensor t = s.zeros(d);
                int ax = r.nextInt(d.length);
                int n = d[ax];
                String sh = t.shape().toString();
                return switch (r.nextInt(6)) {
                    case 0 -> iae("slice", "slice step 0", () -> t.slice(ax, 0, n, -r.nextInt(3)), "step");
                    case 1 -> iae("slice", "slice start < 0", () -> t.slice(ax, -1 - r.nextInt(3), n, 1), sh);
                    case 2 -> iae("slice", "slice stop > dim", () -> t.slice(ax, 0, n + 1 + r.nextInt(3), 1), sh);
                    case 3 -> iae("slice", "slice start >= stop", () -> t.slice(ax, n - 1, n - 1 - r.nextInt(2), 1), sh);
                    case 4 -> iae("slice", "narrow length 0", () -> t.narrow(ax, 0, -r.nextInt(2)), "length");
                    default -> iae("slice", "select out of range", () -> t.select(ax, r.nextBoolean() ? n : -1), sh);
                };
            }
            case 6 -> { // bad index in get/set/item
                int[] d = randomDims(r, 4, 500);
                Tensor t = s.zeros(d);
                int[] idx = new int[d.length + (d.length == 0 || r.nextInt(4) == 0 ? 1 : 0)];
                if (idx.length == d.length) {
                    int ax = r.nextInt(d.length);
                    idx[ax] = r.nextBoolean() ? d[ax] + r.nextInt(2) : -1;
                }
                String is = Arrays.toString(idx), sh = t.shape().toString();
                if (r.nextInt(5) == 0 && t.size() > 1) return iae("index", "item() of " + sh, t::item, sh);
                if (r.nextBoolean()) return iae("index", "get" + is + " of " + sh, () -> t.get(idx), is, sh);
                return iae("index", "set" + is + " of " + sh, () -> t.set(1f, idx), is, sh);
            }
            case 7 -> { // null arguments
                Tensor t = s.ones(2, 3);
                return switch (r.nextInt(20)) {
                    case 0 -> iae("null", "add(null)", () -> t.add((Tensor) null), "other");
                    case 1 -> iae("null", "mulInPlace(null)", () -> t.mulInPlace((Tensor) null), "other");
                    case 2 -> iae("null", "minimum(null)", () -> t.minimum(null), "other");
                    case 3 -> iae("null", "copyFrom(null)", () -> t.copyFrom(null), "src");
                    case 4 -> iae("null", "axpyInPlace(null)", () -> t.axpyInPlace(1f, null), "x");
                    case 5 -> iae("null", "dot(null)", () -> t.dot(null), "other");
                    case 6 -> iae("null", "fold(0, null)", () -> t.fold(0, null), "target");
                    case 7 -> iae("null", "reshape(null)", () -> t.reshape((int[]) null), "dims");
                    case 8 -> iae("null", "broadcastTo(null)", () -> t.broadcastTo((int[]) null), "dims");
                    case 9 -> iae("null", "permute(null)", () -> t.permute((int[]) null), "perm");
                    case 10 -> iae("null", "get(null)", () -> t.get((int[]) null), "index");
                    case 11 -> iae("null", "set(v, null)", () -> t.set(1f, (int[]) null), "index");
                    case 12 -> iae("null", "copyTo(null)", () -> t.copyTo(null), "target");
                    case 13 -> iae("null", "sum(axes null)", () -> t.sum(true, (int[]) null), "axes");
                    case 14 -> iae("null", "fromArray(null)", () -> s.fromArray(null, 2), "data");
                    case 15 -> iae("null", "matrix(null)", () -> s.matrix((float[][]) null), "rows");
                    case 16 -> iae("null", "matrix with a null row", () -> s.matrix(new float[] {1f}, null), "row 1");
                    case 17 -> iae("null", "vector(null)", () -> s.vector((float[]) null), "data");
                    case 18 -> iae("null", "zeros((Shape) null)", () -> s.zeros((Shape) null), "shape");
                    default -> iae("null", "Shape.broadcast(null, s)", () -> Shape.broadcast(null, t.shape()), "shapes");
                };
            }
            case 8 -> { // writing into a broadcast view
                int[] d = dimsAtLeastRank(r, 1);
                int ax = r.nextInt(d.length);
                int[] small = d.clone();
                small[ax] = 1;
                d[ax] = Math.max(2, d[ax]);
                Tensor v = s.ones(small).broadcastTo(d);
                Tensor other = s.ones(d);
                String sh = v.shape().toString();
                Runnable call = switch (r.nextInt(9)) {
                    case 0 -> () -> v.fill(0f);
                    case 1 -> () -> v.copyFrom(other);
                    case 2 -> () -> v.addInPlace(other);
                    case 3 -> () -> v.mulInPlace(2f);
                    case 4 -> () -> v.scaleInPlace(2f);
                    case 5 -> () -> v.reluInPlace();
                    case 6 -> () -> v.clampInPlace(0f, 1f);
                    case 7 -> () -> v.axpyInPlace(1f, other);
                    default -> () -> v.set(1f, new int[d.length]);
                };
                return iae("broadcast-write", "write into broadcast view " + sh, call, "broadcast", sh);
            }
            case 9 -> { // clamp lo > hi and other bad scalar parameters
                Tensor t = s.ones(3);
                float lo = (float) r.nextDouble(-5, 5);
                float hi = lo - 0.5f - (float) r.nextDouble(3);
                return switch (r.nextInt(6)) {
                    case 0 -> iae("parameter", "clamp(" + lo + ", " + hi + ")", () -> t.clamp(lo, hi), "lo", "hi");
                    case 1 -> iae("parameter", "clampInPlace(" + lo + ", " + hi + ")", () -> t.clampInPlace(lo, hi), "lo", "hi");
                    case 2 -> iae("parameter", "clamp(NaN, hi)", () -> t.clamp(Float.NaN, hi), "lo");
                    case 3 -> iae("parameter", "uniform(lo >= hi)", () -> s.uniform(1, lo, hi, 3), "lo", "hi");
                    case 4 -> iae("parameter", "normal(std < 0)", () -> s.normal(1, 0f, hi - lo, 3), "std");
                    default -> iae("parameter", "arange step 0", () -> s.arange(0, 3, 0), "step");
                };
            }
            case 10, 11 -> { // use after close
                TensorScope dead = TensorScope.open();
                int[] d = dimsAtLeastRank(r, 1);
                Tensor t = dead.ones(d);
                Tensor alive = s.ones(d);
                dead.close();
                int[] zero = new int[d.length];
                Runnable call = switch (r.nextInt(20)) {
                    case 0 -> () -> t.get(zero);
                    case 1 -> () -> t.set(1f, zero);
                    case 2 -> () -> t.add(alive);
                    case 3 -> () -> alive.add(t);
                    case 4 -> () -> alive.copyFrom(t);
                    case 5 -> () -> t.sum();
                    case 6 -> () -> t.permute(TensorOracles.randomPerm(r, d.length));
                    case 7 -> () -> t.reshape(-1);
                    case 8 -> () -> t.slice(0, 0, 1, 1);
                    case 9 -> () -> t.copy();
                    case 10 -> () -> t.fill(2f);
                    case 11 -> () -> t.toArray();
                    case 12 -> () -> t.exp();
                    case 13 -> () -> t.unfold(0);
                    case 14 -> () -> t.argmax();
                    case 15 -> () -> t.segment();
                    case 16 -> () -> dead.zeros(2);
                    case 17 -> () -> t.max(0);
                    case 18 -> () -> alive.axpyInPlace(1f, t);
                    default -> () -> t.broadcastTo(t.dims());
                };
                return new Bad("closed", "use after close on " + Arrays.toString(d), IllegalStateException.class, call,
                        mentions("closed"));
            }
            default -> throw new AssertionError(category);
        }
    }

    private static boolean isPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            if (v < 0 || v >= p.length || seen[v]) return false;
            seen[v] = true;
        }
        return true;
    }

    @Test
    void allocationsAre64ByteAligned() {
        try (TensorScope scope = TensorScope.open()) {
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < 200; i++) {
                Tensor t = scope.zeros(1 + r.nextInt(37), 1 + r.nextInt(3));
                assertEquals(0, t.segment().address() % TensorScope.ALIGNMENT, "allocation " + i + " of " + t.shape());
                assertEquals(0, t.offset());
                Tensor u = t.add(1f);
                assertEquals(0, u.segment().address() % 64, "result of add");
            }
            assertEquals(0, scope.uniform(3, 0f, 1f, 7).segment().address() % 64);
            assertEquals(0, scope.fromArray(new float[5], 5).segment().address() % 64);
        }
    }

    @Test
    void closingAScopeTwiceIsHarmless() {
        long start = TensorScope.liveBytes();
        TensorScope scope = TensorScope.open();
        Tensor t = scope.ones(10, 10);
        assertEquals(start + 400, TensorScope.liveBytes());
        assertEquals(400, scope.allocatedBytes());
        scope.close();
        assertEquals(start, TensorScope.liveBytes());
        scope.close();
        assertEquals(start, TensorScope.liveBytes(), "second close must not free again");
        assertFalse(scope.isOpen());
        assertThrows(IllegalStateException.class, t::sum);
        assertThrows(IllegalStateException.class, () -> scope.zeros(1));
        assertTrue(t.toString().contains("closed"));
    }
}
