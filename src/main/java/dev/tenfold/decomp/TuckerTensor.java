package dev.tenfold.decomp;

import dev.tenfold.contract.ModeProduct;
import dev.tenfold.io.Npz;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Tucker tensor X̂ = G ×_0 U_0 ×_1 U_1 … ×_{N−1} U_{N−1}: core G of shape (R_0, …, R_{N−1}) and
 * N ≥ 2 factors U_n of shape (I_n × R_n), float32. Holds the given tensors (no copy); produced
 * tensors live in the core's scope. Files: {@code .npz} with arrays {@code core},
 * {@code factor_0} … (TensorLy's {@code (core, factors)} layout).
 */
public final class TuckerTensor {
    /** Factors count as orthonormal when every |UᵀU − I| entry is at most this. */
    static final double ORTHONORMAL_TOL = 1e-5;

    private final Tensor core;
    private final List<Tensor> factors;

    /**
     * Wraps the core (R_0, …, R_{N−1}) and factors (I_n × R_n).
     *
     * @throws IllegalArgumentException when N &lt; 2, the factor count is not N, or a factor is not
     *         2-D with R_n columns
     */
    public TuckerTensor(Tensor core, List<Tensor> factors) {
        if (core == null || factors == null) throw new IllegalArgumentException("TuckerTensor: core and factors must not be null");
        if (core.rank() < 2) throw new IllegalArgumentException("TuckerTensor: core must have at least 2 modes, got shape " + core.shape());
        if (factors.size() != core.rank()) {
            throw new IllegalArgumentException("TuckerTensor: core of shape " + core.shape() + " needs " + core.rank()
                    + " factors, got " + factors.size());
        }
        for (int n = 0; n < factors.size(); n++) {
            Tensor u = factors.get(n);
            if (u == null || u.rank() != 2 || u.dim(1) != core.dim(n)) {
                throw new IllegalArgumentException("TuckerTensor: factor " + n + " must be (I_" + n + " × " + core.dim(n)
                        + ") to match core of shape " + core.shape() + ", got " + (u == null ? "null" : u.shape()));
            }
        }
        this.core = core;
        this.factors = List.copyOf(factors);
    }

    /** The core G. */
    public Tensor core() { return core; }

    /** Factor U_n (I_n × R_n). */
    public Tensor factor(int n) {
        if (n < 0 || n >= factors.size()) throw new IllegalArgumentException("factor: mode " + n + " is out of range for a " + order() + "-way Tucker tensor");
        return factors.get(n);
    }

    /** All factors (unmodifiable). */
    public List<Tensor> factors() { return Collections.unmodifiableList(factors); }

    /** The order N. */
    public int order() { return factors.size(); }

    /** The multilinear ranks (R_0, …, R_{N−1}). */
    public int[] ranks() { return core.dims(); }

    /** The shape (I_0, …, I_{N−1}) of the represented tensor. */
    public Shape shape() {
        int[] d = new int[order()];
        for (int n = 0; n < d.length; n++) d[n] = factors.get(n).dim(0);
        return Shape.of(d);
    }

    /** The dense tensor, G ×_n U_n for every n (mode products through GEMM), in the core's scope. */
    public Tensor toTensor() {
        return ModeProduct.multiModeProduct(core, factors, -1, false);
    }

    /**
     * ‖X̂‖_F: ‖G‖ when every factor has orthonormal columns (within {@link #ORTHONORMAL_TOL}),
     * otherwise √⟨G, G ×_0 U_0ᵀU_0 … ×_{N−1} U_{N−1}ᵀU_{N−1}⟩ (only core-sized temporaries).
     */
    public double norm() {
        List<double[]> grams = new ArrayList<>();
        boolean orthonormal = true;
        for (Tensor u : factors) {
            double[] g = FactorMath.gram(FactorMath.toDoubles(u), u.dim(0), u.dim(1));
            int r = u.dim(1);
            for (int i = 0; i < r && orthonormal; i++) {
                for (int j = 0; j < r; j++) {
                    if (Math.abs(g[i * r + j] - (i == j ? 1 : 0)) > ORTHONORMAL_TOL) {
                        orthonormal = false;
                        break;
                    }
                }
            }
            grams.add(g);
        }
        if (orthonormal) return core.norm();
        try (TensorScope tmp = TensorScope.open()) {
            Tensor g = core.copyTo(tmp);
            List<Tensor> gs = new ArrayList<>();
            for (int n = 0; n < order(); n++) {
                Tensor t = tmp.zeros(core.dim(n), core.dim(n));
                FactorMath.store(grams.get(n), t);
                gs.add(t);
            }
            return Math.sqrt(Math.max(0, g.dot(ModeProduct.multiModeProduct(g, gs, -1, false))));
        }
    }

    /** Writes {@code core}, {@code factor_0} … to the {@code .npz} file {@code file}. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("core", core);
        for (int n = 0; n < order(); n++) arrays.put("factor_" + n, factors.get(n));
        Npz.write(arrays, file);
    }

    /**
     * Reads a Tucker tensor written by {@link #save} into {@code scope}.
     *
     * @throws IllegalArgumentException when {@code core} or a factor is missing or shapes do not fit
     */
    public static TuckerTensor load(TensorScope scope, Path file) throws IOException {
        Map<String, Tensor> arrays = Npz.read(scope, file);
        Tensor core = arrays.get("core");
        if (core == null) throw new IllegalArgumentException("TuckerTensor.load: " + file + " has no 'core' array (found " + arrays.keySet() + ")");
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; arrays.containsKey("factor_" + n); n++) us.add(arrays.get("factor_" + n));
        return new TuckerTensor(core, us);
    }

    @Override
    public String toString() {
        return "TuckerTensor" + shape() + " ranks " + java.util.Arrays.toString(ranks());
    }
}
